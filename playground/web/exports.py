"""Exports of a run: trajectories as CSV or JSON (the writers of `playground.export.records`
given the page's settings), and a QR code of the share link."""

from __future__ import annotations

import segno

from playground.core.engine import Trajectory
from playground.export import records

from . import runs
from .state.validate import Config


def qr_data_uri(url: str) -> str:
    """A QR code of ``url`` as an SVG data URI, drawn large for the back of a hall."""
    # svg_data_uri declares the SVG namespace, without which an <img> draws nothing
    # (svg_inline leaves it out: it is meant for pasting into HTML)
    return segno.make(url, error="m").svg_data_uri(scale=8, dark="#1f2a33", light="#ffffff")


def export_json(cfg: Config, labels: list[str], trajs: list[Trajectory]) -> str:
    return records.runs_json(runs.surface_of(cfg), cfg.surface_params, cfg.steps, labels, trajs)


def export_csv(cfg: Config, labels: list[str], trajs: list[Trajectory]) -> str:
    return records.runs_csv(runs.surface_of(cfg), labels, trajs)
