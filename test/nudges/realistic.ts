export { realisticLedger, seoul, studyConfig, STUDY_YML, REPORT_NOW as REALISTIC_NOW } from '../helpers/attendance-study.js';
