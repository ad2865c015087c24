/* The process owners' form editor (/modeler/forms): JSON Schema in a textarea, checked as you type
   (JSON syntax at once, the server's form rules debounced) with a preview rendered by the server
   exactly as the task page renders the form. */
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

  var state = { key: null, version: null, dirty: false, isNew: false, checkSeq: 0, timer: null, schema: null,
    source: null };
  // Whose version: the shared base or the county's own (engine/processes/scope.py).
  var SOURCE = { base: 'Basisversion', tenant: 'eigene Version des Kreises' };

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
    $('btn-reset-form').hidden = state.source !== 'tenant' || state.isNew;
    $('form-source').textContent = state.key && !state.isNew && state.source ? SOURCE[state.source] : '';
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
        li.appendChild(el('span', { className: 'badge source' }, SOURCE[f.source]));
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
      state.source = res.data.source;
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
    state.source = null;
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
    showCheck('', 'Wird geprüft …');
    clearTimeout(state.timer);
    var seq = ++state.checkSeq;
    state.timer = setTimeout(function () {
      serverCheck(schema, seq);
      renderPreview(schema);
    }, initial ? 0 : CHECK_DELAY_MS);
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
  // The server renders the draft with the task page's own templates (POST /modeler/forms/preview):
  // the preview shows exactly the form case managers will see.

  var previewSeq = 0;

  function previewNote(text) {
    var box = $('preview');
    box.innerHTML = '';
    box.appendChild(el('p', { className: 'unknown' }, text));
  }

  function renderPreview(schema) {
    var seq = ++previewSeq;
    if (!schema || typeof schema !== 'object' || Array.isArray(schema)) {
      previewNote('Das Schema ist kein JSON-Objekt.');
      return Promise.resolve();
    }
    var csrf = document.querySelector('meta[name="csrf-token"]').content;
    return fetch('/modeler/forms/preview', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'Accept': 'text/html', 'X-CSRFToken': csrf },
      body: JSON.stringify({ schema: schema })
    }).then(function (res) {
      return res.text().then(function (text) {
        if (seq !== previewSeq) return;  // a newer draft is on its way
        var type = res.headers.get('Content-Type') || '';
        if (res.redirected) { previewNote('Die Anmeldung ist abgelaufen. Bitte neu anmelden.'); return; }
        if (res.ok && type.indexOf('text/html') === 0) { $('preview').innerHTML = text; return; }
        var detail = null;
        try { detail = JSON.parse(text).detail; } catch (_) { /* not JSON */ }
        previewNote(detail || 'Keine Vorschau (Fehler ' + res.status + ').');
      });
    }, function () {
      if (seq === previewSeq) previewNote('Der Server ist nicht erreichbar.');
    });
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
      state.source = d.source || state.source;
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

  function resetToBase() {
    if (!state.key) return Promise.resolve();
    if (!window.confirm('Die eigene Version des Kreises von „' + state.key + '“ wird nicht mehr verwendet: ' +
        'offene und neue Aufgaben verwenden die Basisversion. Fortfahren?')) {
      return Promise.resolve();
    }
    var key = state.key;
    return request('POST', '/forms/' + encodeURIComponent(key) + '/reset', {}).then(function (res) {
      if (!res.ok) { setStatus('Nicht zurückgesetzt: ' + failure(res), 'fail'); return; }
      state.dirty = false;
      return loadList().then(function () { return openForm(key); }).then(function () {
        setStatus('Formular ' + key + ' verwendet wieder die Basisversion (Version ' + res.data.version +
          '); offene und neue Aufgaben verwenden sie.', 'ok');
      });
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
  $('preview').addEventListener('submit', function (e) { e.preventDefault(); });  // "Weitere Zeile" etc.
  $('btn-save-form').addEventListener('click', save);
  $('btn-reset-form').addEventListener('click', resetToBase);
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

  window.kimFormEditor = { state: state, openForm: openForm, render: renderPreview, resetToBase: resetToBase };
})();
