"""Operation Encompass: the police's notification that a child was present at, or affected
by, a domestic-abuse incident, recorded by the key adult who took it."""
