"""Every write in the incidents app, one module per feature."""
