/* The process owners' form editor (/modeler/forms): JSON Schema in a textarea, checked as you type
   (JSON syntax at once, the server's form rules debounced) with a live preview of the form. */
(function () {
  'use strict';

  var CHECK_DELAY_MS = 400;
  var $ = function (id) { return document.getElementById(id); };

  var request = window.KimApi.request;  // kim_api.js


  function failure(res) {
    if (res.status === 401) return 'Die Anmeldung ist abgelaufen. Bitte neu anmelden.';
    var d = res.data || {};
    var text = (typeof d === 'object' && d.detail) || ('Fehler ' + res.status);
    if (d.problems && d.problems.length) text += ' ' + d.problems.map(problemText).join(' ');
    if (d.errors && typeof d.errors === 'object') {
      Object.keys(d.errors).forEach(function (k) { text += ' ' + [].concat(d.errors[k]).map(problemText).join(' '); });
    }
    return text;
  }

  function problemText(p) {
    return typeof p === 'string' ? p : (p.message_de || p.message || JSON.stringify(p));
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'className') node.className = attrs[k];
      else if (attrs[k] === true) node.setAttribute(k, '');
      else if (attrs[k] !== false && attrs[k] !== undefined && attrs[k] !== null) node.setAttribute(k, attrs[k]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var state = { key: null, version: null, dirty: false, isNew: false, checkSeq: 0, timer: null, schema: null };

  function setStatus(text, kind) {
    var s = $('status');
    s.textContent = text;
    s.className = 'status' + (kind ? ' ' + kind : '');
  }

  function setTitle() {
    var t = state.key ? 'Formular ' + state.key : 'Kein Formular geöffnet';
    if (state.key) t += state.version ? ' – Version ' + state.version : ' – neu';
    if (state.dirty) t += ' (geändert)';
    $('form-title').textContent = t;
    $('btn-save-form').disabled = !state.key;
  }

  // ---- List ---------------------------------------------------------------------------------

  function loadList() {
    return request('GET', '/forms').then(function (res) {
      var box = $('forms');
      box.innerHTML = '';
      if (!res.ok) { box.appendChild(el('p', { className: 'error' }, failure(res))); return; }
      var list = el('ul', { 'aria-label': 'Vorhandene Formulare' });
      (res.data.items || []).forEach(function (f) {
        var li = el('li');
        var b = el('button', { type: 'button', className: 'link', 'data-form': f.form_key },
          f.title || f.form_key);
        b.addEventListener('click', function () { openForm(f.form_key); });
        li.appendChild(b);
        li.appendChild(el('span', { className: 'badge' }, f.form_key + ' · v' + f.version));
        list.appendChild(li);
      });
      box.appendChild(list);
      markList();
    });
  }

  function markList() {
    document.querySelectorAll('#forms button[data-form]').forEach(function (b) {
      var active = b.getAttribute('data-form') === state.key;
      b.classList.toggle('active', active);
      if (active) b.setAttribute('aria-current', 'true'); else b.removeAttribute('aria-current');
    });
  }

  function confirmDiscard() {
    return !state.dirty || window.confirm('Ungespeicherte Änderungen gehen verloren. Trotzdem fortfahren?');
  }

  function showSchema(key, version, schema, isNew) {
    state.key = key;
    state.version = version;
    state.isNew = isNew;
    $('schema').value = JSON.stringify(schema, null, 2);
    state.dirty = isNew;
    setTitle();
    markList();
    onEdit(true);
  }

  function openForm(key) {
    if (!confirmDiscard()) return Promise.resolve();
    setStatus('Formular ' + key + ' wird geladen …');
    return request('GET', '/forms/' + encodeURIComponent(key)).then(function (res) {
      if (!res.ok) { setStatus(failure(res), 'fail'); return; }
      showSchema(res.data.form_key, res.data.version, res.data.schema, false);
      state.dirty = false;
      setTitle();
      setStatus('Formular ' + key + ', Version ' + res.data.version + ' ist geöffnet.');
    });
  }

  function newForm(key) {
    if (!/^[a-z][a-z0-9_]{0,99}$/.test(key)) {
      setStatus('Der Schlüssel besteht aus Kleinbuchstaben, Ziffern und _ und beginnt mit einem Buchstaben.', 'fail');
      $('new-key').focus();
      return;
    }
    if (!confirmDiscard()) return;
    showSchema(key, null, {
      '$schema': 'https://json-schema.org/draft/2020-12/schema',
      'title': 'Neues Formular',
      'type': 'object',
      'additionalProperties': false,
      'required': ['note'],
      'properties': {
        'note': { 'title': 'Notiz', 'type': 'string', 'maxLength': 2000, 'x-widget': 'textarea' }
      }
    }, true);
    setStatus('Neues Formular ' + key + ': bearbeiten und als Version 1 speichern.');
    $('schema').focus();
  }

  // ---- Checking ------------------------------------------------------------------------------

  function parseError(text, err) {
    var msg = err.message || String(err);
    var line = null, col = null;
    var m = /line (\d+) column (\d+)/.exec(msg);
    if (m) { line = Number(m[1]); col = Number(m[2]); }
    else if ((m = /position (\d+)/.exec(msg))) {
      var before = text.slice(0, Number(m[1])).split('\n');
      line = before.length; col = before[before.length - 1].length + 1;
    }
    return 'Kein gültiges JSON' + (line ? ' (Zeile ' + line + ', Spalte ' + col + ')' : '') + ': ' + msg;
  }

  function showCheck(kind, text, problems) {
    var box = $('schema-check');
    box.className = 'check ' + kind;
    box.innerHTML = '';
    box.appendChild(document.createTextNode(text));
    if (problems && problems.length) {
      var ul = el('ul');
      problems.forEach(function (p) { ul.appendChild(el('li', {}, problemText(p))); });
      box.appendChild(ul);
    }
    $('schema').setAttribute('aria-invalid', kind === 'fail' ? 'true' : 'false');
  }

  function onEdit(initial) {
    if (!initial) { state.dirty = true; setTitle(); }
    var text = $('schema').value;
    var schema;
    try {
      schema = JSON.parse(text);
    } catch (err) {
      state.schema = null;
      state.checkSeq += 1;  // a pending server check is stale now
      clearTimeout(state.timer);
      showCheck('fail', parseError(text, err));
      return;
    }
    state.schema = schema;
    renderPreview(schema);
    showCheck('', 'Wird geprüft …');
    clearTimeout(state.timer);
    var seq = ++state.checkSeq;
    state.timer = setTimeout(function () { serverCheck(schema, seq); }, CHECK_DELAY_MS);
  }

  function serverCheck(schema, seq) {
    var body = { schema: schema, form_key: state.key || undefined };  // with the key: the engine's fields too
    return request('POST', '/forms/validate', body).then(function (res) {
      if (seq !== state.checkSeq) return;  // the text changed meanwhile
      if (!res.ok) { showCheck('fail', 'Prüfung fehlgeschlagen: ' + failure(res)); return; }
      if (res.data.valid) showCheck('ok', 'Das Formular ist gültig.');
      else showCheck('fail', 'Das Formular hat Fehler:', res.data.problems || []);
    });
  }

  // ---- Preview -------------------------------------------------------------------------------

  var uid = 0;

  function renderPreview(schema) {
    var box = $('preview');
    box.innerHTML = '';
    uid = 0;
    if (!schema || typeof schema !== 'object') {
      box.appendChild(el('p', { className: 'unknown' }, 'Das Schema ist kein JSON-Objekt.'));
      return;
    }
    if (schema.title) box.appendChild(el('h4', {}, schema.title));
    if (schema.description) box.appendChild(el('p', { className: 'desc' }, schema.description));
    var form = el('form', { 'aria-label': 'Vorschau: ' + (schema.title || state.key || 'Formular'), novalidate: true });
    form.addEventListener('submit', function (e) { e.preventDefault(); });
    renderProperties(form, schema, 'pv');
    box.appendChild(form);
  }

  function renderProperties(parent, schema, prefix) {
    var props = (schema && typeof schema.properties === 'object' && schema.properties) || {};
    var required = Array.isArray(schema.required) ? schema.required : [];
    var names = Object.keys(props);
    if (!names.length) parent.appendChild(el('p', { className: 'unknown' }, 'Keine Felder.'));
    names.forEach(function (name) {
      parent.appendChild(renderField(name, props[name] || {}, required.indexOf(name) >= 0, prefix + '-' + name));
    });
  }

  function labelFor(id, title, required) {
    var label = el('label', { 'for': id }, title);
    if (required) label.appendChild(el('span', { className: 'req', 'aria-hidden': 'true' }, '*'));
    return label;
  }

  function enumOptions(s) {
    var values = Array.isArray(s.enum) ? s.enum : [];
    var titles = Array.isArray(s['x-enum-titles']) ? s['x-enum-titles'] : [];
    return values.map(function (v, i) { return { value: String(v), title: titles[i] !== undefined ? titles[i] : String(v) }; });
  }

  function renderField(name, s, required, id) {
    id = id.replace(/[^A-Za-z0-9_-]/g, '_') + '-' + (uid++);
    var title = s.title || name;
    var wrap = el('div', { className: 'field' });
    var descId = s.description ? id + '-desc' : null;
    var type = Array.isArray(s.type) ? s.type.filter(function (t) { return t !== 'null'; })[0] : s.type;
    var common = { id: id, name: name, required: required, 'aria-describedby': descId,
      'aria-required': required ? 'true' : null };

    if (type === 'boolean') {
      var lab = el('label', { className: 'choice', 'for': id });
      lab.appendChild(el('input', Object.assign({ type: 'checkbox' }, common)));
      lab.appendChild(document.createTextNode(title));
      if (required) lab.appendChild(el('span', { className: 'req', 'aria-hidden': 'true' }, '*'));
      wrap.appendChild(lab);
    } else if (type === 'array' && s.items && (Array.isArray(s.items.enum))) {
      var fs = el('fieldset', { 'aria-describedby': descId });
      var legend = el('legend', {}, title);
      if (required) legend.appendChild(el('span', { className: 'req', 'aria-hidden': 'true' }, '*'));
      fs.appendChild(legend);
      enumOptions(s.items).forEach(function (o, i) {
        var cid = id + '-' + i;
        var l = el('label', { className: 'choice', 'for': cid });
        l.appendChild(el('input', { type: 'checkbox', id: cid, name: name, value: o.value }));
        l.appendChild(document.createTextNode(o.title));
        fs.appendChild(l);
      });
      wrap.appendChild(fs);
    } else if (type === 'array' && s.items && (s.items.type === 'object' || s.items.properties)) {
      var afs = el('fieldset', { 'aria-describedby': descId });
      var alegend = el('legend', {}, title);
      if (required) alegend.appendChild(el('span', { className: 'req', 'aria-hidden': 'true' }, '*'));
      afs.appendChild(alegend);
      var items = el('div');
      afs.appendChild(items);
      var count = 0;
      var addItem = function () {
        count += 1;
        var item = el('div', { className: 'item', role: 'group', 'aria-label': (s.items.title || 'Eintrag') + ' ' + count });
        item.appendChild(el('p', { className: 'desc' }, (s.items.title || 'Eintrag') + ' ' + count));
        renderProperties(item, s.items, id + '-' + count);
        items.appendChild(item);
      };
      addItem();
      var add = el('button', { type: 'button', className: 'secondary' }, 'Eintrag hinzufügen');
      add.addEventListener('click', addItem);
      afs.appendChild(add);
      wrap.appendChild(afs);
    } else if (type === 'object') {
      var ofs = el('fieldset', { 'aria-describedby': descId });
      ofs.appendChild(el('legend', {}, title));
      renderProperties(ofs, s, id);
      wrap.appendChild(ofs);
    } else if (Array.isArray(s.enum)) {
      wrap.appendChild(labelFor(id, title, required));
      var sel = el('select', common);
      sel.appendChild(el('option', { value: '' }, '– bitte wählen –'));
      enumOptions(s).forEach(function (o) { sel.appendChild(el('option', { value: o.value }, o.title)); });
      wrap.appendChild(sel);
    } else if (type === 'string' && s['x-widget'] === 'textarea') {
      wrap.appendChild(labelFor(id, title, required));
      wrap.appendChild(el('textarea', Object.assign({ maxlength: s.maxLength }, common)));
    } else if (type === 'string' && (s.format === 'date' || s.format === 'date-time')) {
      wrap.appendChild(labelFor(id, title, required));
      wrap.appendChild(el('input', Object.assign({ type: s.format === 'date' ? 'date' : 'datetime-local' }, common)));
    } else if (type === 'integer' || type === 'number') {
      wrap.appendChild(labelFor(id, title, required));
      wrap.appendChild(el('input', Object.assign({ type: 'number', min: s.minimum, max: s.maximum,
        step: type === 'integer' ? 1 : 'any' }, common)));
    } else if (type === 'string' || type === undefined) {
      wrap.appendChild(labelFor(id, title, required));
      wrap.appendChild(el('input', Object.assign({ type: 'text', maxlength: s.maxLength }, common)));
    } else {
      wrap.appendChild(el('p', { className: 'unknown' }, title + ': Feldtyp „' + type + '“ ohne Vorschau.'));
    }
    if (s.description) {
      var desc = el('p', { className: 'desc', id: descId }, s.description);
      wrap.appendChild(desc);
    }
    return wrap;
  }

  // ---- Save ----------------------------------------------------------------------------------

  function save() {
    if (!state.key) return Promise.resolve();
    var text = $('schema').value;
    var schema;
    try { schema = JSON.parse(text); } catch (err) {
      setStatus('Nicht gespeichert: ' + parseError(text, err), 'fail');
      $('schema').focus();
      return Promise.resolve();
    }
    setStatus('Wird gespeichert …');
    return request('PUT', '/forms/' + encodeURIComponent(state.key), { schema: schema }).then(function (res) {
      if (!res.ok) { setStatus('Nicht gespeichert: ' + failure(res), 'fail'); return; }
      var d = res.data || {};
      state.version = d.version || state.version;
      state.dirty = false;
      state.isNew = false;
      setTitle();
      setStatus(d.changed === false
        ? 'Unverändert: Version ' + state.version + ' von ' + state.key + ' ist schon aktuell.'
        : 'Formular ' + state.key + ' als Version ' + state.version + ' gespeichert. Offene und neue ' +
          'Aufgaben verwenden diese Version.', 'ok');
      return loadList();
    });
  }

  function format() {
    var text = $('schema').value;
    try {
      $('schema').value = JSON.stringify(JSON.parse(text), null, 2);
    } catch (err) {
      setStatus('Formatieren nicht möglich: ' + parseError(text, err), 'fail');
    }
  }

  // ---- Wiring --------------------------------------------------------------------------------

  $('schema').addEventListener('input', function () { onEdit(false); });
  $('btn-save-form').addEventListener('click', save);
  $('btn-format').addEventListener('click', format);
  $('new-form').addEventListener('submit', function (e) {
    e.preventDefault();
    newForm($('new-key').value.trim());
  });
  window.addEventListener('beforeunload', function (e) {
    if (state.dirty) { e.preventDefault(); e.returnValue = ''; }
  });
  setTitle();
  var start = new URLSearchParams(window.location.search).get('form');
  loadList().then(function () { if (start) return openForm(start); });

  window.kimFormEditor = { state: state, openForm: openForm, render: renderPreview };
})();
