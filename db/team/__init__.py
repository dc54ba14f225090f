"""Team projects: one Quire project in a PostgreSQL database, shared by a lab or a class.

``address`` (URLs, engines, never a stored password), ``schema`` (what the server
enforces: roles, grants, row-level security, change notifications), ``members``
(people and their roles), ``transfer`` (push a project file to a server, pull a copy),
``live`` (hearing other people's changes as they commit).
"""
