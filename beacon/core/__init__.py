"""What every area of Beacon shares: the clock (and, as they move here, organisation settings,
directorates, the audit log and import runs)."""
