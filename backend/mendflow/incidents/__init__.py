"""Incidents: normalized events, correlation by dedup key, the timeline every step writes into."""

from mendflow.incidents.correlation import add_timeline, correlate, incident_dict, timeline_row
from mendflow.incidents.events import EventError, normalize_event
from mendflow.incidents.service import IncidentService

__all__ = ["EventError", "IncidentService", "add_timeline", "correlate", "incident_dict", "normalize_event",
           "timeline_row"]
