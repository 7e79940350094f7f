"""Paging: recipients resolved through users, teams, schedules and escalation policies; deliveries recorded."""

from mendflow.paging.directory import Directory, DirectoryError, PlanStep, Recipient, split_ref
from mendflow.paging.pager import Delivery, Pager, notification_dict, refuse_closed
from mendflow.paging.tokens import ResponseGrant, ResponseTokens

__all__ = ["Delivery", "Directory", "DirectoryError", "Pager", "PlanStep", "Recipient", "ResponseGrant",
           "ResponseTokens", "notification_dict", "refuse_closed", "split_ref"]
