"""The monitor's widgets, one per module; each reads the app's :class:`~tui.model.MonitorModel`."""
