"""Exports of a run: trajectories as CSV or JSON, and a QR code of the share link."""

from __future__ import annotations

import csv
import io
import json

import segno

from playground.core.engine import Trajectory

from .state.validate import Config


def qr_data_uri(url: str) -> str:
    """A QR code of ``url`` as an SVG data URI, drawn large for the back of a hall."""
    # svg_data_uri declares the SVG namespace, without which an <img> draws nothing
    # (svg_inline leaves it out: it is meant for pasting into HTML)
    return segno.make(url, error="m").svg_data_uri(scale=8, dark="#1f2a33", light="#ffffff")


def export_json(cfg: Config, labels: list[str], trajs: list[Trajectory]) -> str:
    out = []
    for label, tr in zip(labels, trajs):
        d = tr.to_dict()
        d["label"] = label
        out.append(d)
    return json.dumps({"surface_params": cfg.surface_params, "steps": cfg.steps, "runs": out})


def export_csv(labels: list[str], trajs: list[Trajectory]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["optimizer", "step", "x", "y", "loss", "grad_norm", "lr", "status"])
    for label, tr in zip(labels, trajs):
        last = int(tr.last_kept)
        for i in range(last + 1):
            lr = repr(float(tr.lr[i])) if i < tr.lr.shape[0] else ""
            w.writerow([label, i, repr(float(tr.positions[i, 0])), repr(float(tr.positions[i, 1])),
                        repr(float(tr.loss[i])), repr(float(tr.grad_norm[i])), lr, str(tr.status)])  # fmt: skip
    return buf.getvalue()
