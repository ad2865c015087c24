/* Read-only BPMN diagrams (bpmn-js NavigatedViewer from the vendored bundle, window.KimBpmn):
 * - a case's or topic's progress: [data-diagram-url] fetches {instances: [...]} and marks done steps,
 *   open tasks and waiting timers; a click on a step lists when it was done and by whom;
 * - the process insight's heat map: [data-heatmap] names a <script type="application/json"> block with
 *   the figures (elements with waiting counts, flows with how often taken); a click on an element where
 *   instances wait opens their list ([data-waiting-url], "__element__" stands for the element's id). */
(function () {
  'use strict';
  var Kim = window.KimBpmn;

  function text(el, value) { el.textContent = value; return el; }

  function fmt(iso) {
    if (!iso) { return ''; }
    var d = new Date(iso);
    return d.toLocaleString('de-DE', { timeZone: 'Europe/Berlin', dateStyle: 'medium', timeStyle: 'short' });
  }

  function badge(overlays, id, label, cls) {
    var span = document.createElement('span');
    span.className = 'kim-badge ' + cls;
    span.textContent = label;
    try { overlays.add(id, { position: { top: -10, right: 10 }, html: span }); } catch (e) { /* no shape */ }
  }

  function show(box, instance, detail) {
    var viewer = new Kim.NavigatedViewer({ container: box });
    box.setAttribute('data-ready', 'loading');
    return viewer.importXML(instance.xml).then(function () {
      var canvas = viewer.get('canvas');
      var overlays = viewer.get('overlays');
      var registry = viewer.get('elementRegistry');
      canvas.zoom('fit-viewport');
      var done = {};
      instance.done.forEach(function (d) {
        done[d.bpmn_id] = d;
        if (registry.get(d.bpmn_id)) { canvas.addMarker(d.bpmn_id, 'kim-done'); }
      });
      instance.current.forEach(function (c) {
        if (registry.get(c.bpmn_id)) { canvas.addMarker(c.bpmn_id, 'kim-current'); }
      });
      instance.timers.forEach(function (t) {
        if (registry.get(t.bpmn_id)) {
          canvas.addMarker(t.bpmn_id, 'kim-waiting');
          badge(overlays, t.bpmn_id, fmt(t.due), 'kim-badge-waiting');
        }
      });
      viewer.get('eventBus').on('element.click', function (e) {
        var id = e.element.id;
        var step = done[id];
        var name = (e.element.businessObject && e.element.businessObject.name) || id;
        detail.innerHTML = '';
        detail.appendChild(text(document.createElement('strong'), name));
        var list = document.createElement('ul');
        if (step) {
          step.times.forEach(function (t) {
            list.appendChild(text(document.createElement('li'), fmt(t.at) + (t.by ? ' – ' + t.by : '')));
          });
        } else {
          list.appendChild(text(document.createElement('li'), detail.getAttribute('data-none')));
        }
        detail.appendChild(list);
      });
      box.setAttribute('data-ready', 'yes');
    });
  }

  function progress(root) {
    var box = root.querySelector('.bpmn-box');
    var select = root.querySelector('select');
    var detail = root.querySelector('.diagram-detail');
    var status = root.querySelector('.diagram-status');
    fetch(root.getAttribute('data-diagram-url'), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        var items = data.instances || [];
        if (!items.length) { status.textContent = root.getAttribute('data-empty') || ''; return; }
        items.forEach(function (inst, i) {
          var o = document.createElement('option');
          o.value = String(i);
          o.textContent = inst.process_name + ' (Version ' + inst.version + ')';
          select.appendChild(o);
        });
        var draw = function () {
          box.innerHTML = '';
          detail.innerHTML = '';
          return show(box, items[Number(select.value) || 0], detail);
        };
        select.addEventListener('change', draw);
        status.textContent = '';
        return draw();
      })
      .catch(function () { status.textContent = root.getAttribute('data-failed'); });
  }

  function heatmap(root) {
    var data = JSON.parse(document.getElementById(root.getAttribute('data-heatmap')).textContent);
    var box = root.querySelector('.bpmn-box');
    var viewer = new Kim.NavigatedViewer({ container: box });
    viewer.importXML(data.xml).then(function () {
      var canvas = viewer.get('canvas');
      var overlays = viewer.get('overlays');
      var registry = viewer.get('elementRegistry');
      canvas.zoom('fit-viewport');
      var max = 0;
      data.elements.forEach(function (e) { max = Math.max(max, e.waiting || 0); });
      data.elements.forEach(function (e) {
        if (!registry.get(e.bpmn_id) || !e.waiting) { return; }
        var level = Math.max(1, Math.ceil(5 * e.waiting / max));
        canvas.addMarker(e.bpmn_id, 'kim-heat-' + level);
        badge(overlays, e.bpmn_id, String(e.waiting), 'kim-badge-heat');
      });
      if (data.most_waiting && registry.get(data.most_waiting)) {
        canvas.addMarker(data.most_waiting, 'kim-most-waiting');
      }
      data.flows.forEach(function (f) {
        var conn = registry.get(f.flow_id);
        if (!conn || !f.taken) { return; }
        var span = document.createElement('span');
        span.className = 'kim-badge kim-badge-flow';
        span.textContent = String(f.taken);
        overlays.add(f.flow_id, { position: { top: -8, left: 0 }, html: span });
      });
      var waiting = root.getAttribute('data-waiting-url');
      var counts = {};
      data.elements.forEach(function (e) { counts[e.bpmn_id] = e.waiting; });
      viewer.get('eventBus').on('element.click', function (ev) {
        var id = ev.element.id;
        if (!waiting || !counts[id]) { return; }
        window.location.href = waiting.replace('__element__', encodeURIComponent(id));
      });
      root.setAttribute('data-ready', 'yes');
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    if (!Kim || !Kim.NavigatedViewer) { return; }
    document.querySelectorAll('[data-diagram-url]').forEach(progress);
    document.querySelectorAll('[data-heatmap]').forEach(heatmap);
  });
}());
