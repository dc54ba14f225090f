"""The main window's views: each shows part of the open project and redraws itself."""
