"""Living data: owners and district coordinators keep entries current; every change is an event, kept forever.

The registry is the base layer; edits are an overlay keyed by the record's stable id (``record_edits``), applied
after every build and by every edit (``Store.patching``), so they survive rebuilds.
"""
