/* The process owners' BPMN modeler (/modeler): bpmn-js from the vendored bundle (window.KimBpmn),
   talking to the process API with the session cookie and the CSRF token of the page. */
(function () {
  'use strict';

  var CAMUNDA_NS = 'http://camunda.org/schema/1.0/bpmn';

  var $ = function (id) { return document.getElementById(id); };

  // ---- API ---------------------------------------------------------------------------------

  var request = window.KimApi.request;  // kim_api.js


  function failure(res) {
    if (res.status === 401) return 'Die Anmeldung ist abgelaufen. Bitte neu anmelden.';
    var d = res.data || {};
    return (typeof d === 'object' && d.detail) || ('Fehler ' + res.status);
  }

  // ---- State and status line ----------------------------------------------------------------

  var state = {
    processId: null,   // id of the open process (from the diagram after a save)
    version: null,     // version number the canvas shows, if it came from the server
    savedVersion: null, // the version a save produced for the current content
    dirty: false,
    busy: false
  };

  function setStatus(text, kind) {
    var el = $('status');
    el.textContent = text;
    el.className = 'status' + (kind ? ' ' + kind : '');
  }

  function setTitle() {
    var title = state.processId || 'Neues Diagramm';
    if (state.version) title += ' – Version ' + state.version;
    if (state.dirty) title += ' (geändert)';
    $('diagram-title').textContent = title;
  }

  function setBusy(busy) {
    state.busy = busy;
    ['btn-validate', 'btn-save', 'btn-deploy', 'btn-new'].forEach(function (id) { $(id).disabled = busy; });
  }

  // ---- Modeler ------------------------------------------------------------------------------

  var Kim = window.KimBpmn;
  var modeler = new Kim.BpmnModeler({
    container: '#canvas',
    propertiesPanel: { parent: '#properties' },
    // German texts (modeler_de.js) and only the elements the engine runs (modeler_limits.js).
    additionalModules: Kim.modules.concat([
      { translate: ['value', window.KimModelerDe.translate] },
      window.KimModelerLimits.module
    ]),
    moddleExtensions: Kim.moddleExtensions
  });

  modeler.on('commandStack.changed', function () {
    state.dirty = true;
    state.savedVersion = null;
    setTitle();
  });

  function newDiagramXml(processId) {
    return '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" ' +
      'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" ' +
      'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" ' +
      'xmlns:camunda="' + CAMUNDA_NS + '" id="Definitions_' + processId + '" ' +
      'targetNamespace="https://kim.example/bpmn">\n' +
      '  <bpmn:process id="' + processId + '" name="Neuer Prozess" isExecutable="true">\n' +
      '    <bpmn:startEvent id="start" name="Start" />\n' +
      '  </bpmn:process>\n' +
      '  <bpmndi:BPMNDiagram id="Diagram_' + processId + '">\n' +
      '    <bpmndi:BPMNPlane id="Plane_' + processId + '" bpmnElement="' + processId + '">\n' +
      '      <bpmndi:BPMNShape id="start_di" bpmnElement="start">\n' +
      '        <dc:Bounds x="180" y="160" width="36" height="36" />\n' +
      '      </bpmndi:BPMNShape>\n' +
      '    </bpmndi:BPMNPlane>\n' +
      '  </bpmndi:BPMNDiagram>\n' +
      '</bpmn:definitions>\n';
  }

  // Imports run one after another: a version clicked while the start-up diagram is still being
  // imported must not be replaced by it when that import finishes later.
  var importing = Promise.resolve();
  var opened = 0;  // diagrams opened so far (the start-up's own included)

  function openXml(xml, processId, version) {
    opened += 1;
    var done = importing.then(function () { return importXml(xml, processId, version); });
    importing = done.catch(function () {});
    return done;
  }

  function importXml(xml, processId, version) {
    return modeler.importXML(xml).then(function (result) {
      modeler.get('canvas').zoom('fit-viewport', 'auto');
      state.processId = processId;
      state.version = version;
      state.savedVersion = version;
      state.dirty = false;
      setTitle();
      clearProblems('Noch nicht geprüft.');
      if (result.warnings && result.warnings.length) {
        setStatus('Diagramm geöffnet, mit ' + result.warnings.length +
          ' Hinweis(en) beim Einlesen (nicht unterstützte Teile werden ignoriert).', 'fail');
      }
      markList();
    }, function (err) {
      setStatus('Das Diagramm lässt sich nicht anzeigen: ' + (err.message || err), 'fail');
      throw err;
    });
  }

  function currentXml() {
    return modeler.saveXML({ format: true }).then(function (r) { return r.xml; });
  }

  function processIdOfCanvas() {
    var root = modeler.get('canvas').getRootElement();
    var bo = root && root.businessObject;
    if (!bo) return null;
    if (bo.$type === 'bpmn:Collaboration') {
      var part = (bo.participants || []).find(function (p) { return p.processRef && p.processRef.isExecutable; });
      return part ? part.processRef.id : null;
    }
    return bo.id;
  }

  // ---- Process list -------------------------------------------------------------------------

  function loadList() {
    return request('GET', '/processes').then(function (res) {
      var box = $('processes');
      if (!res.ok) {
        box.innerHTML = '';
        box.appendChild(el('p', { className: 'error' }, failure(res)));
        return;
      }
      var items = res.data.items || [];
      box.innerHTML = '';
      if (!items.length) box.appendChild(el('p', { className: 'muted' }, 'Noch keine Prozesse.'));
      return Promise.all(items.map(function (p) {
        var section = el('div', { className: 'proc' });
        section.appendChild(el('h2', {}, p.name || p.process_id));
        section.appendChild(el('span', { className: 'pid' }, p.process_id));
        if (p.current_source) {
          section.appendChild(el('p', { className: 'source' }, SOURCE[p.current_source]));
        }
        if (p.current_source === 'tenant') {
          var back = el('button', { type: 'button', className: 'secondary reset',
            'data-reset': p.process_id }, 'Zur Basisversion zurückkehren');
          back.addEventListener('click', function () { resetToBase(p.process_id); });
          section.appendChild(back);
        }
        var list = el('ul', { className: 'versions', 'aria-label': 'Versionen von ' + (p.name || p.process_id) });
        section.appendChild(list);
        box.appendChild(section);
        return request('GET', '/processes/' + encodeURIComponent(p.process_id) + '/versions').then(function (vr) {
          if (!vr.ok) { list.appendChild(el('li', { className: 'error' }, failure(vr))); return; }
          (vr.data.items || []).forEach(function (v) {
            var li = el('li');
            var button = el('button', { type: 'button', className: 'link',
              'data-process': v.process_id, 'data-version': String(v.version) }, 'Version ' + v.version);
            button.addEventListener('click', function () { openVersion(v.process_id, v.version); });
            li.appendChild(button);
            if (v.is_current) li.appendChild(el('span', { className: 'badge current' }, 'aktuell'));
            else if (v.status === 'deployed') li.appendChild(el('span', { className: 'badge' }, 'war bereitgestellt'));
            else li.appendChild(el('span', { className: 'badge' }, 'Entwurf'));
            li.appendChild(el('span', { className: 'badge source' }, SOURCE[v.source]));
            if (v.deployable === false) li.appendChild(el('span', { className: 'badge bad' }, 'nicht bereitstellbar'));
            list.appendChild(li);
          });
        });
      })).then(markList);
    });
  }

  // Whose version: the shared base or the county's own (engine/processes/scope.py).
  var SOURCE = { base: 'Basisversion', tenant: 'eigene Version des Kreises' };

  function resetToBase(processId) {
    if (!window.confirm('Die eigene Version des Kreises von „' + processId + '“ wird nicht mehr verwendet: ' +
        'neue Fälle starten auf der Basisversion, laufende Fälle bleiben auf ihrer Version. Fortfahren?')) {
      return Promise.resolve();
    }
    setBusy(true);
    var path = '/processes/' + encodeURIComponent(processId) + '/reset';
    return request('POST', path, '{}', 'application/json').then(function (res) {
      if (!res.ok) { setStatus('Nicht zurückgesetzt: ' + failure(res), 'fail'); return; }
      setStatus('„' + processId + '“ verwendet wieder die Basisversion (Version ' + res.data.version +
        '): neue Fälle starten auf ihr, laufende Fälle bleiben auf ihrer Version.', 'ok');
      return loadList();
    }).finally(function () { setBusy(false); });
  }

  function markList() {
    document.querySelectorAll('#processes button[data-version]').forEach(function (b) {
      var active = b.getAttribute('data-process') === state.processId &&
        Number(b.getAttribute('data-version')) === state.version && !state.dirty;
      b.classList.toggle('active', active);
      if (active) b.setAttribute('aria-current', 'true'); else b.removeAttribute('aria-current');
    });
  }

  function confirmDiscard() {
    return !state.dirty || window.confirm('Ungespeicherte Änderungen gehen verloren. Trotzdem fortfahren?');
  }

  function openVersion(processId, version) {
    if (!confirmDiscard()) return Promise.resolve();
    setStatus('Version ' + version + ' von ' + processId + ' wird geladen …');
    var path = '/processes/' + encodeURIComponent(processId) + '/versions/' + version + '/xml';
    return request('GET', path).then(function (res) {
      if (!res.ok) { setStatus(failure(res), 'fail'); return; }
      return openXml(res.data, processId, version).then(function () {
        setStatus('Version ' + version + ' von ' + processId + ' ist geöffnet.');
      });
    });
  }

  // ---- Verdicts and problems ----------------------------------------------------------------

  function clearProblems(text) {
    $('problems').innerHTML = '';
    var v = $('verdict');
    v.textContent = text;
    v.className = 'muted';
    unmark();
  }

  var marked = [];
  function unmark() {
    var canvas = modeler.get('canvas');
    marked.forEach(function (e) { try { canvas.removeMarker(e, 'kim-problem'); } catch (_) { /* gone */ } });
    marked = [];
  }

  function findElement(elementId) {
    if (!elementId) return null;
    var registry = modeler.get('elementRegistry');
    var direct = registry.get(elementId);
    if (direct) return direct;
    // A process problem: its participant (collaboration) or the root (plain process).
    return registry.find(function (e) {
      var bo = e.businessObject;
      return bo && ((bo.processRef && bo.processRef.id === elementId) || (bo.id === elementId && !e.labelTarget));
    }) || null;
  }

  function selectElement(elementId) {
    var element = findElement(elementId);
    if (!element) return false;
    var canvas = modeler.get('canvas');
    if (canvas.findRoot && element.parent) {
      var root = canvas.findRoot(element);
      if (root && root !== canvas.getRootElement()) canvas.setRootElement(root);
    }
    if (element !== canvas.getRootElement() && canvas.scrollToElement) canvas.scrollToElement(element);
    modeler.get('selection').select(element);
    return true;
  }

  function showVerdict(verdict) {
    var list = $('problems');
    list.innerHTML = '';
    unmark();
    var problems = verdict.problems || [];
    var v = $('verdict');
    if (verdict.deployable && !problems.length) {
      v.textContent = 'Keine Probleme: das Diagramm kann bereitgestellt werden.';
      v.className = 'ok';
      return;
    }
    v.textContent = verdict.deployable
      ? 'Bereitstellbar, mit Hinweisen:'
      : 'Nicht bereitstellbar. ' + problems.length + ' Problem(e) – ein Klick wählt das Element aus:';
    v.className = verdict.deployable ? 'ok' : 'fail';
    var canvas = modeler.get('canvas');
    problems.forEach(function (p) {
      var li = el('li');
      var label = p.message_de || p.message;
      var where = [];
      if (p.element_name || p.element_id) where.push((p.element_name ? p.element_name + ' ' : '') +
        (p.element_id ? '(' + p.element_id + ')' : ''));
      if (p.line) where.push('Zeile ' + p.line + (p.column ? ', Spalte ' + p.column : ''));
      var element = findElement(p.element_id);
      if (element) {
        var button = el('button', { type: 'button', className: 'link', 'data-element': p.element_id }, label);
        button.addEventListener('click', function () { selectElement(p.element_id); });
        li.appendChild(button);
        if (element.parent) { canvas.addMarker(element, 'kim-problem'); marked.push(element); }
      } else {
        li.appendChild(document.createTextNode(label));
      }
      if (where.length) li.appendChild(el('span', { className: 'where' }, where.join(' · ')));
      list.appendChild(li);
    });
  }

  // ---- Actions ------------------------------------------------------------------------------

  function validate() {
    setBusy(true);
    setStatus('Wird geprüft …');
    return currentXml().then(function (xml) {
      return request('POST', '/processes/validate', xml, 'application/xml');
    }).then(function (res) {
      if (res.ok) {
        showVerdict(res.data);
        setStatus(res.data.deployable ? 'Geprüft: bereitstellbar.' : 'Geprüft: nicht bereitstellbar.',
          res.data.deployable ? 'ok' : 'fail');
      } else {
        if (res.data && res.data.problems) showVerdict({ deployable: false, problems: res.data.problems });
        setStatus(failure(res), 'fail');
      }
    }).finally(function () { setBusy(false); });
  }

  function save() {
    setBusy(true);
    setStatus('Wird gespeichert …');
    return currentXml().then(function (xml) {
      return request('POST', '/processes', xml, 'application/xml');
    }).then(function (res) {
      if (!res.ok) {
        if (res.data && res.data.problems) showVerdict({ deployable: false, problems: res.data.problems });
        setStatus('Nicht gespeichert: ' + failure(res), 'fail');
        return null;
      }
      var d = res.data;
      state.processId = d.process_id;
      state.version = d.version;
      state.savedVersion = d.version;
      state.dirty = false;
      setTitle();
      showVerdict(d);
      setStatus('Als Version ' + d.version + ' von ' + d.process_id + ' gespeichert (' +
        (d.status === 'deployed' ? 'bereitgestellt' : 'Entwurf') + ', ' +
        (d.deployable ? 'bereitstellbar' : 'nicht bereitstellbar') + ').', d.deployable ? 'ok' : 'fail');
      return loadList().then(function () { return d; });
    }).finally(function () { setBusy(false); });
  }

  function deploy() {
    // Deploy what the canvas shows: save first when it is not a stored version yet.
    var stored = state.savedVersion && !state.dirty
      ? Promise.resolve({ process_id: state.processId, version: state.savedVersion })
      : save();
    return stored.then(function (saved) {
      if (!saved) return;
      setBusy(true);
      setStatus('Version ' + saved.version + ' wird bereitgestellt …');
      var path = '/processes/' + encodeURIComponent(saved.process_id) + '/deploy';
      return request('POST', path, JSON.stringify({ version: saved.version }), 'application/json')
        .then(function (res) {
          if (!res.ok) {
            if (res.data && res.data.problems) showVerdict({ deployable: false, problems: res.data.problems });
            setStatus('Nicht bereitgestellt: ' + failure(res), 'fail');
            return;
          }
          var d = res.data;
          setStatus(d.changed === false
            ? 'Version ' + d.version + ' war bereits bereitgestellt.'
            : 'Version ' + d.version + ' von ' + d.process_id + ' ist bereitgestellt: neue Fälle starten ' +
              'auf dieser Version, laufende Fälle bleiben auf ihrer.', 'ok');
          return loadList();
        }).finally(function () { setBusy(false); });
    });
  }

  function download() {
    return currentXml().then(function (xml) {
      var blob = new Blob([xml], { type: 'application/xml' });
      var a = el('a', { href: URL.createObjectURL(blob), download: (processIdOfCanvas() || 'diagramm') + '.bpmn' });
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
    });
  }

  function newDiagram() {
    if (!confirmDiscard()) return Promise.resolve();
    var stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 12);
    var pid = 'prozess_' + stamp;
    return openXml(newDiagramXml(pid), null, null).then(function () {
      state.processId = pid;
      setTitle();
      setStatus('Neues ausführbares Diagramm mit Startereignis. Prozess-ID und Name im Eigenschaftenfeld ' +
        'rechts ändern (dazu auf eine leere Stelle der Zeichenfläche klicken).');
    });
  }

  function openFile(file) {
    if (!file || !confirmDiscard()) return;
    file.text().then(function (xml) {
      return openXml(xml, null, null).then(function () {
        state.processId = processIdOfCanvas();
        state.dirty = true;
        setTitle();
        setStatus('Datei „' + file.name + '“ geöffnet; noch nicht gespeichert.');
      });
    });
  }

  // ---- Small DOM helper ---------------------------------------------------------------------

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'className') node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // ---- Wiring -------------------------------------------------------------------------------

  $('btn-validate').addEventListener('click', validate);
  $('btn-save').addEventListener('click', save);
  $('btn-deploy').addEventListener('click', deploy);
  $('btn-download').addEventListener('click', download);
  $('btn-new').addEventListener('click', newDiagram);
  $('file-open').addEventListener('change', function (e) { openFile(e.target.files[0]); e.target.value = ''; });
  window.addEventListener('beforeunload', function (e) {
    if (state.dirty) { e.preventDefault(); e.returnValue = ''; }
  });

  // Start with ?process=<id>&version=<n>, else with a new diagram; unless a version was opened from
  // the list while the rest of it was still loading: the start-up must not replace that one.
  var params = new URLSearchParams(window.location.search);
  loadList().then(function () {
    if (opened) return;
    var pid = params.get('process');
    var version = Number(params.get('version')) || null;
    if (pid && version) return openVersion(pid, version);
    return newDiagram();
  });

  // ---- Scripting hook (browser tests, power users in the console) -----------------------------
  // Drawing on a canvas is brittle to automate: these do what a user does with palette and panel.
  window.kimModeler = {
    modeler: modeler,
    state: state,
    openVersion: openVersion,
    resetToBase: resetToBase,
    xml: currentXml,
    select: selectElement,
    selectedIds: function () {
      return modeler.get('selection').get().map(function (e) { return e.id; });
    },
    /** Insert a user task on the outgoing flow of ``after`` (making room to the right). */
    insertUserTask: function (options) {
      var registry = modeler.get('elementRegistry');
      var modeling = modeler.get('modeling');
      var source = registry.get(options.after);
      if (!source) throw new Error('no element ' + options.after);
      var flow = source.outgoing.find(function (c) { return c.type === 'bpmn:SequenceFlow'; });
      if (!flow) throw new Error('no outgoing sequence flow on ' + options.after);
      var target = flow.target;
      var gap = 170;
      var start = { x: source.x + source.width + 10, y: source.y + source.height / 2 };
      var spaceTool = modeler.get('spaceTool');
      var movable = registry.filter(function (e) {
        return e.parent && !e.labelTarget && e.type !== 'label' && !e.waypoints;
      });
      var adj = spaceTool.calculateAdjustments(movable, 'x', gap, start.x);
      modeling.createSpace(adj.movingShapes, adj.resizingShapes, { x: gap, y: 0 }, 'e', start.x);
      var position = { x: source.x + source.width + gap / 2 + 25, y: source.y + source.height / 2 };
      var task = modeling.createShape({ type: 'bpmn:UserTask' }, position, source.parent);
      modeling.reconnectEnd(flow, task, { x: task.x, y: task.y + task.height / 2 });
      modeling.connect(task, target, { type: 'bpmn:SequenceFlow' });
      var props = { name: options.name || 'Neue Aufgabe' };
      if (options.id) props.id = options.id;
      if (options.formKey) props['camunda:formKey'] = options.formKey;
      modeling.updateProperties(task, props);
      var canvas = modeler.get('canvas');
      canvas.zoom(1, { x: task.x + task.width / 2, y: task.y + task.height / 2 });
      canvas.scrollToElement(task);
      modeler.get('selection').select(task);
      return task.id;
    },
    /** Set (or remove, with an empty key) the form reference of a user task. */
    setFormKey: function (elementId, formKey) {
      var element = modeler.get('elementRegistry').get(elementId);
      modeler.get('modeling').updateProperties(element, { 'camunda:formKey': formKey || undefined });
    }
  };
})();
