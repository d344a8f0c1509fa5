export * from "./data";
export { renderReportHtml } from "./html";
