// Every page: times in the viewer's zone, and the live alert count in the header.
import { localiseTimes, timeZoneLabel } from "./common.js";
import "./alert-feed.js";

localiseTimes();
const tz = document.getElementById("tz-name");
if (tz) tz.textContent = timeZoneLabel();
for (const node of document.querySelectorAll("[data-tz-label]")) node.textContent = `(${timeZoneLabel()})`;
