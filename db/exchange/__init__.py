"""Exchanging projects with other programs and other Quire users.

* :mod:`db.exchange.bundle`: a project as plain values keyed by UUID;
* :mod:`db.exchange.refi_export` / :mod:`db.exchange.refi_import`: REFI-QDA 1.0 project
  (``.qdpx``) and codebook (``.qdc``) files;
* :mod:`db.exchange.merge_plan` / :mod:`db.exchange.merge_write`: putting a bundle into
  an open project (used by :mod:`db.merge` and by REFI-QDA import).
"""
