"""locomotion."""
