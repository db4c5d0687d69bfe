"""Rendering shared by every app's reports and exports (xlsx now; docx and pdf join here)."""
