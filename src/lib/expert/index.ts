// Expert findings and alerts: the public interface.

export { expertFindings, sortFindings, DETECTORS, type ExpertOptions } from './analyze';
export { THRESHOLDS } from './thresholds';
export { SEVERITIES, type Severity, type Category, type Finding, type DetailValue, type ExpertReport, type ExpertProgress } from './types';
