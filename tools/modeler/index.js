// Entry of the vendored modeler bundle: bpmn-js with the properties panel for the Camunda
// (platform) moddle, exposed as window.KimBpmn for api/static/modeler.js.
import BpmnModeler from 'bpmn-js/lib/Modeler';
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  CamundaPlatformPropertiesProviderModule
} from 'bpmn-js-properties-panel';
import CamundaPlatformBehaviors from 'camunda-bpmn-js-behaviors/lib/camunda-platform';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';

window.KimBpmn = {
  BpmnModeler,
  modules: [
    BpmnPropertiesPanelModule,
    BpmnPropertiesProviderModule,
    CamundaPlatformPropertiesProviderModule,
    CamundaPlatformBehaviors
  ],
  moddleExtensions: { camunda: camundaModdle }
};
