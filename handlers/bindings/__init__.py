"""Residents bound to their houses (房屋认证): by the roster's phone at once, or approved by the estate's desk."""
