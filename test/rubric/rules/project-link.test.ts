import { describeRuleExamples } from '../rule-examples.js';

describeRuleExamples('project-link');
