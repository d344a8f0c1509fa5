export * from "./data";
export { renderReportHtml } from "./html";
export { type DrillRecord, type DrillRecords, parseDrillRecord, readDrillRecords } from "./drill-records";
