// Entry of the vendored modeler bundle: bpmn-js with the properties panel for the Camunda
// (platform) moddle, exposed as window.KimBpmn for api/static/modeler.js, and the read-only viewer for
// api/static/diagram_view.js.
import BpmnModeler from 'bpmn-js/lib/Modeler';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  CamundaPlatformPropertiesProviderModule
} from 'bpmn-js-properties-panel';
import CamundaPlatformBehaviors from 'camunda-bpmn-js-behaviors/lib/camunda-platform';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';

window.KimBpmn = {
  BpmnModeler,
  NavigatedViewer, // read-only diagrams: a case's progress, the process insight's heat map
  modules: [
    BpmnPropertiesPanelModule,
    BpmnPropertiesProviderModule,
    CamundaPlatformPropertiesProviderModule,
    CamundaPlatformBehaviors
  ],
  moddleExtensions: { camunda: camundaModdle }
};
