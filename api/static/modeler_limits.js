/* The modeler offers only what the engine runs: the palette, the context pad and the replace menu
   leave out the elements a deploy refuses (engine/workflow/unsupported.py: send, service and
   business-rule tasks, complex gateways, transactions, ad-hoc sub-processes, data stores,
   compensation and link events, timer start events of a process, interrupting starts of event
   sub-processes) and call activities (a call reaches only processes of the same file). A bpmn-js
   module that runs after the built-in providers and removes their entries; loaded before modeler.js. */
(function () {
  'use strict';

  var AFTER_BUILT_IN = 500;  // providers run by descending priority; bpmn-js's own have 1000

  var PALETTE = ['create.data-store'];
  var CONTEXT_PAD = ['append.compensation-activity'];
  var REPLACE = new RegExp('^replace-with-(send-task|service-task|rule-task|call-activity|transaction|' +
    '(collapsed-)?ad-hoc-subprocess|complex-gateway|data-store-reference|compensation-.*|link-.*|cancel-.*)$');

  function drop(entries, keys) {
    keys.forEach(function (k) { delete entries[k]; });
    return entries;
  }

  /** Replacements refused where ``element`` stands (start events differ by where they start). */
  function refusedHere(key, element) {
    if (REPLACE.test(key)) return true;
    if (!element || element.type !== 'bpmn:StartEvent' || !/-start$/.test(key)) return false;
    var parent = element.parent && element.parent.businessObject;
    if (parent && parent.triggeredByEvent) return key.indexOf('replace-with-non-interrupting-') !== 0;
    return key === 'replace-with-timer-start';
  }

  function KimLimits(palette, popupMenu, contextPad) {
    palette.registerProvider(AFTER_BUILT_IN, {
      getPaletteEntries: function () {
        return function (entries) { return drop(entries, PALETTE); };
      }
    });
    contextPad.registerProvider(AFTER_BUILT_IN, {
      getContextPadEntries: function () {
        return function (entries) { return drop(entries, CONTEXT_PAD); };
      }
    });
    popupMenu.registerProvider('bpmn-replace', AFTER_BUILT_IN, {
      getPopupMenuEntries: function (element) {
        return function (entries) {
          return drop(entries, Object.keys(entries).filter(function (k) { return refusedHere(k, element); }));
        };
      }
    });
  }
  KimLimits.$inject = ['palette', 'popupMenu', 'contextPad'];

  window.KimModelerLimits = {
    module: { __init__: ['kimLimits'], kimLimits: ['type', KimLimits] },
    refusedHere: refusedHere
  };
})();
