/** Adapter: occupancy charts as SVG and PNG, drawn by JFreeChart (and JFreeSVG for SVG). */
package hotdesk.report;
