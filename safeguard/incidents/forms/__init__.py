"""The incidents app's forms, one module per feature."""
