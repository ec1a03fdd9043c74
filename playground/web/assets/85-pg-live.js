/* Live lecture: the lecturer's page publishes small events, followers poll and replay them.
 *
 * Roles: "lead" (the page holds the session's token: it came from Go live, or from the
 * lecturer link's #lead= fragment, kept in sessionStorage for reloads) and "follow" (a
 * student link, /live/<code>). A follower asks for the session's version every
 * contract.live.pollMs; when it moved it gets the snapshot (canonical query, presenter
 * mode, playback) and applies it: the query through the page's dcc.Location, playback
 * through PG.play/pause/apply (playing since `age` seconds at `speed` is replayed from the
 * step where the lecturer pressed Play). A follower's own click or key detaches it until
 * it rejoins. Paths, ids and timings come from the contract (PG.C.live, PG.C.ids). */
(function () {
  "use strict";
  const PG = window.PG;
  const L = {
    role: null, // "lead" | "follow" | null
    code: null,
    token: null,
    v: 0, // the snapshot version this page has seen
    state: null, // the last snapshot received (follower)
    received: 0, // performance.now() when it arrived
    detached: false,
    over: false, // ended, expired or refused: no more polling
    fid: randomId(),
    lastBeat: 0,
    sent: null, // what the lecturer's page last published: {query, presenter, playing, step, speed}
    query: null, // the lecturer page's current canonical query (from writeUrl)
    hold: 0, // lecturer: publish nothing before this time (adopting the session's state)
    timer: 0,
    flushed: 0, // performance.now() of the last flush
    // the lecturer's events go out in order within a lane: the playback's (play, pause, seek
    // change the same fields), the settings' and presenter mode's; lanes commute on the server,
    // so a new setting never waits for a playback event's answer (the page may be busy drawing)
    chains: {},
    inflight: {},
    applied: 0, // follower: the version last applied
    actionAt: 0, // lecturer: Date.now() of the first action of the burst being published
    sentLog: [], // lecturer: {v, kind, at: action time} per event the server took
    appliedLog: [], // follower: {v, at} per snapshot applied (tests measure the delay)
    pollLog: [], // follower: {asked, got} per poll (Date.now())
  };
  PG.live = L;

  function randomId() {
    const a = new Uint8Array(12);
    window.crypto.getRandomValues(a);
    return Array.from(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function cfg() { return PG.C.live; }
  const K = {}; // the event kinds, as the server names them (contract.live.events)
  function id(key) { return PG.C.ids[key]; }
  function set(key, props) { window.dash_clientside.set_props(id(key), props); }
  function storeKey(code) { return "pg-live-" + code; }

  /* The bar at the bottom: its class says the role (CSS shows the matching buttons). The
   * body's classes tell the page's layout (50-app.css) that a bar shows, that this page leads,
   * and that it is a student's (from the first follow on: an ended session keeps its layout);
   * classes, not CSS :has(), which made Chromium re-check the page at every change (a phone's
   * visit took twice as long). */
  function bar(mode, status, count) {
    const body = document.body.classList;
    body.add("pg-live-shown");
    body.toggle("pg-live-leading", mode === "lead");
    if (mode === "follow" || mode === "detached") body.add("pg-live-student");
    else if (mode === "lead") body.remove("pg-live-student");
    set("live_bar", { className: "pg-live-bar pg-live-on pg-live-" + mode });
    set("live_status", { children: status });
    set("live_followers", { children: count || "" });
  }

  function api(path, opts) {
    const o = Object.assign({ cache: "no-store", headers: {} }, opts || {});
    if (L.token) o.headers[cfg().tokenHeader] = L.token;
    return window.fetch(cfg().api + path, o).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        return { status: r.status, body: body };
      });
    });
  }

  /* ---------- lecturer ---------- */

  function goLive() {
    const query = window.location.search.replace(/^\?/, "");
    api("/sessions", { method: "POST", headers: { "Content-Type": "application/json" },
                       body: JSON.stringify({ query: query }) }).then(function (r) {
      if (r.status !== 201) {
        bar("ended", "Could not go live: " + ((r.body && r.body.reason) || "error " + r.status));
        return;
      }
      const s = r.body;
      L.code = s.code;
      L.token = s.token;
      window.sessionStorage.setItem(storeKey(s.code), s.token);
      window.history.replaceState(null, "", cfg().page + s.code + window.location.search);
      L.query = query;
      L.sent = { query: query, presenter: false, playing: false, step: 0, speed: 60 };
      set("live_code", { children: s.code });
      set("live_student", { href: s.student, children: s.student });
      set("live_qr", { src: s.qr });
      set("live_reach", { children: s.warning, is_open: Boolean(s.warning) });
      set("live_lecturer", { value: s.lecturer });
      set("live_secret", { style: { display: "block" } });
      set("live_modal", { is_open: true });
      lead();
      schedule(); // the page may already be playing or presenting
    });
  }

  function lead() {
    L.role = "lead";
    L.detached = false;
    bar("lead", "Live · room " + L.code, "");
    heartbeat();
  }

  function heartbeat() {
    if (L.role !== "lead") return;
    api("/" + L.code).then(function (r) {
      if (L.role !== "lead") return;
      if (r.status === 200) {
        L.v = r.body.v;
        if (!L.sent) adopt(r.body); // opened from the lecturer link: take over where the session is
        const n = r.body.followers;
        bar("lead", "Live · room " + L.code, n + (n === 1 ? " student following" : " students following"));
      } else if (r.status === 403) {
        forget();
        follow("This lecturer link is not valid: following as a student");
        return;
      } else if (r.status === 404 || r.status === 410) {
        forget();
        finish("This live session is over (" + ((r.body && r.body.reason) || "gone") + ")");
        return;
      }
      window.setTimeout(heartbeat, cfg().leadBeatMs);
    }).catch(function () { window.setTimeout(heartbeat, cfg().leadBeatMs); });
  }

  /* A second device with the lecturer link: show the session's state, then drive it. */
  function adopt(s) {
    L.sent = { query: s.query, presenter: s.presenter, playing: s.playing, step: s.step, speed: s.speed };
    L.hold = performance.now() + 5000; // until the page shows the session's settings
    L.state = s;
    L.received = performance.now();
    replay(s);
  }

  function forget() {
    if (L.code) window.sessionStorage.removeItem(storeKey(L.code));
    L.token = null;
  }

  /* What the lecturer's page shows now, as the session's fields. */
  function current() {
    return {
      query: L.query,
      presenter: document.body.classList.contains("pg-presenter"),
      playing: PG.playing,
      step: PG.step,
      speed: PG.speed,
    };
  }

  /* Throttled, leading edge first: a click goes out at once (the page may then be busy
   * drawing for a while), a drag of the scrubber at most every 100 ms, and the last
   * state of a burst always goes out. New settings go out at once: a timer would fire only
   * once the page has drawn them. */
  function schedule() {
    if (L.role !== "lead" || L.timer) return;
    const wait = 100 - (performance.now() - L.flushed);
    L.actionAt = Date.now();
    if (wait <= 0 || (L.sent && L.query !== L.sent.query)) return flush();
    L.timer = window.setTimeout(function () { L.timer = 0; flush(); }, wait);
  }

  function flush(ahead) {
    if (L.role !== "lead" || !L.sent || L.query === null) return;
    if (performance.now() < L.hold) {
      if (L.query !== L.sent.query) return schedule();
      L.hold = 0; // the page shows the session's settings: from now on its changes are the lecturer's
    }
    const now = Object.assign(current(), ahead || {}), was = L.sent, events = [];
    if (now.query !== was.query) events.push({ kind: K.query, query: now.query });
    if (now.presenter !== was.presenter) events.push({ kind: K.presenter, on: now.presenter });
    if (now.playing && (!was.playing || now.speed !== was.speed)) {
      events.push({ kind: K.play, step: now.step, speed: now.speed });
    } else if (!now.playing && (was.playing || now.step !== was.step)) {
      events.push({ kind: was.playing ? K.pause : K.seek, step: now.step });
    }
    L.sent = now;
    const at = L.actionAt;
    if (events.length) L.flushed = performance.now(); // a flush that sent nothing throttles nothing
    events.forEach(function (ev) { send(ev, at); });
  }

  function laneOf(kind) {
    return kind === K.play || kind === K.pause || kind === K.seek ? "playback" : kind;
  }

  /* One event to the server. The request starts now, synchronously, when none is in flight
   * (the click that caused it may go on to draw for a long while); otherwise after the
   * ones before it, so the server takes them in order. */
  function send(ev, at) {
    let posted = 0;
    function post() {
      posted = Date.now();
      return api("/" + L.code + "/events", { method: "POST", headers: { "Content-Type": "application/json" },
                                              body: JSON.stringify(ev) });
    }
    const lane = laneOf(ev.kind);
    const request = L.inflight[lane] ? L.chains[lane].then(post) : post();
    L.inflight[lane] = (L.inflight[lane] || 0) + 1;
    L.chains[lane] = request.then(function (r) {
      if (r.status === 200) {
        L.v = Math.max(L.v || 0, r.body.v); // lanes may answer out of order
        keep(L.sentLog, { v: r.body.v, kind: ev.kind, at: at || posted, posted: posted, done: Date.now() });
      } else if (r.status === 429) { L.sent = null; window.setTimeout(function () { resend(); }, 1000); }
      else if (r.status === 404 || r.status === 410) { forget(); finish("This live session is over"); }
    }).catch(function () {}).then(function () { L.inflight[lane]--; });
  }

  /* After a refusal for speed, publish the whole current state again. */
  function resend() {
    if (L.role !== "lead") return;
    L.sent = { query: null, presenter: null, playing: null, step: -1, speed: -1 };
    flush();
  }

  function end() {
    if (L.role !== "lead") return;
    // after every lane's events: nothing the lecturer did may arrive after the end
    Promise.all(Object.keys(L.chains).map(function (k) { return L.chains[k]; })).then(function () {
      send({ kind: K.end });
      return L.chains[laneOf(K.end)];
    }).then(function () {
      forget();
      window.history.replaceState(null, "", "/" + window.location.search);
      finish("Session ended: the students keep this state");
    });
  }

  /* ---------- follower ---------- */

  function follow(status) {
    L.role = "follow";
    bar("follow", status || "Following the lecturer · room " + L.code, "");
    poll();
  }

  function poll() {
    if (L.role !== "follow" || L.over) return;
    let path = "/" + L.code + "?v=" + L.v;
    const now = Date.now();
    if (now - L.lastBeat >= cfg().beatMs) { // counted by the lecturer, now and then
      path += "&f=" + L.fid;
      L.lastBeat = now;
    }
    const asked = Date.now();
    api(path).then(function (r) {
      keep(L.pollLog, { asked: asked, got: Date.now() });
      if (r.status === 200) receive(r.body);
      else if (r.status === 404) finish("This live session is over (ended or expired): explore freely");
    }).catch(function () {}).then(function () {
      if (!L.over) window.setTimeout(poll, cfg().pollMs);
    });
  }

  function receive(s) {
    if (s.query === undefined) { // nothing new: while the lecture plays, catch up with its clock
      if (L.state && L.state.playing && !L.detached) replayPlayback(); // (a stalled page loses frames)
      return;
    }
    L.v = s.v;
    L.state = s;
    L.received = performance.now();
    L.receivedAt = Date.now();
    if (!L.detached) replay(s);
    if (s.ended) finish("The lecturer ended the session: you keep the last state");
  }

  /* Make this page show snapshot `s`: settings first, then presenter mode and playback. */
  function replay(s) {
    if (s.query !== window.location.search.replace(/^\?/, "")) {
      window.dash_clientside.set_props(cfg().location, { href: window.location.pathname + (s.query ? "?" + s.query : "") });
    }
    if (document.body.classList.contains("pg-presenter") !== s.presenter) togglePresenter();
    if (String(PG.speed) !== String(s.speed) && s.playing) set("speed", { value: String(s.speed) });
    replayPlayback();
    L.applied = s.v;
    keep(L.appliedLog, { v: s.v, got: L.receivedAt || Date.now(), at: Date.now() });
  }

  function keep(log, item) {
    log.push(item);
    if (log.length > 200) log.shift();
  }

  /* Playback from the snapshot, at this moment (called again whenever a new run arrives). */
  function replayPlayback() {
    const s = L.state;
    if (!s || !PG.run || L.detached || (L.role === "lead" && !L.hold)) return;
    const last = PG.maxStep();
    let k = s.step;
    if (s.playing) k += Math.floor((s.age + (performance.now() - L.received) / 1000) * s.speed);
    if (s.playing && k < last) {
      PG.speed = s.speed;
      if (!PG.playing) {
        playback.apply(k);
        playback.play();
      } else if (Math.abs(PG.step - k) > Math.max(3, 0.25 * s.speed)) {
        playback.apply(k);
      }
      return;
    }
    if (PG.playing) playback.pause();
    if (PG.step !== Math.min(k, last)) playback.apply(Math.min(k, last));
    PG.syncSlider(true);
  }

  function detach() {
    if (L.role !== "follow" || L.detached || L.over) return;
    L.detached = true;
    bar("detached", "You are exploring on your own: the lecturer's changes wait", "");
  }

  function rejoin() {
    if (L.role !== "follow") return;
    L.detached = false;
    bar("follow", "Following the lecturer · room " + L.code, "");
    if (L.state) replay(L.state);
  }

  function finish(status) {
    L.over = true;
    L.role = null;
    bar("ended", status, "");
  }

  /* A person's own action on a follower's page (not the replay's programmatic ones). */
  function ownAction(e) {
    if (L.role !== "follow" || L.detached || L.over || !e.isTrusted || !PG.C) return;
    const t = e.target && e.target.closest ? e.target : null;
    if (!t || t.closest("#" + id("live_bar")) || t.closest(".modal")) return;
    if (e.type === "keydown") {
      const typing = /INPUT|TEXTAREA|SELECT/.test(t.tagName || "");
      const key = PG.C.shortcuts.find(function (s) { return s.keys.indexOf(e.key) >= 0; });
      if ((typing && t.closest("#" + id("controls"))) || (!typing && key && key.action !== "help")) detach();
      return;
    }
    if (t.closest("summary")) return; // opening a section changes nothing
    const zones = ["controls", "lesson", "play", "step", "reset", "scrubber", "contour", "presenter"];
    if (zones.some(function (k) { return t.closest("#" + id(k)); })) detach();
  }

  /* ---------- hooks into playback and the bridge ---------- */

  // the originals, for the replay (a follower's replay must not look like an action)
  const playback = { play: PG.play, pause: PG.pause, apply: PG.apply };
  const togglePresenter = PG.togglePresenter;
  // Play and Pause are published before they draw (a full redraw can take a while)
  const predicted = {
    play: function () { return { playing: true, step: PG.step >= PG.maxStep() ? 0 : PG.step }; },
    pause: function () { return { playing: false, step: PG.step }; },
  };
  ["play", "pause", "apply"].forEach(function (name) {
    const orig = PG[name];
    PG[name] = function () {
      if (L.role === "lead" && predicted[name] && PG.run) {
        L.actionAt = Date.now();
        flush(predicted[name]());
      }
      const out = orig.apply(this, arguments);
      if (L.role === "lead") schedule();
      return out;
    };
  });
  PG.togglePresenter = function () {
    togglePresenter();
    if (L.role === "lead") schedule();
  };

  function wrapBridge() {
    const pg = window.dash_clientside && window.dash_clientside.pg;
    if (!pg || pg.liveWrapped) return;
    pg.liveWrapped = true;
    const writeUrl = pg.writeUrl, load = pg.load, speed = pg.speed;
    pg.writeUrl = function (query) {
      const out = writeUrl(query);
      if (typeof query === "string") {
        L.query = query;
        schedule();
      }
      return out;
    };
    pg.load = function (data) {
      const out = load(data);
      // load applies the step in the next frame; the lecturer's playback goes after it
      window.requestAnimationFrame(function () { window.requestAnimationFrame(replayPlayback); });
      return out;
    };
    pg.speed = function (value) {
      const out = speed(value);
      schedule();
      return out;
    };
  }
  wrapBridge();

  document.addEventListener("pointerdown", ownAction, true);
  document.addEventListener("keydown", ownAction, true);
  document.addEventListener("click", function (e) {
    const b = e.target.closest && e.target.closest("button");
    if (!b || !PG.C) return;
    if (b.id === id("live_button")) {
      if (L.role === "lead") {
        set("live_secret", { style: { display: "none" } }); // the lecturer link was shown once
        set("live_modal", { is_open: true });
      } else {
        goLive();
      }
    } else if (b.id === id("live_show")) {
      set("live_secret", { style: { display: "none" } });
      set("live_modal", { is_open: true });
    } else if (b.id === id("live_end")) end();
    else if (b.id === id("live_rejoin")) rejoin();
    else if (b.id === id("live_copy")) {
      const box = document.getElementById(id("live_lecturer"));
      if (box && navigator.clipboard) navigator.clipboard.writeText(box.value).catch(function () {});
    }
  });

  /* ---------- start ---------- */

  // read at load: the page's own writeUrl later rewrites the address without the fragment
  const path = /^\/live\/([A-Z0-9]{4,12})\/?$/.exec(window.location.pathname);
  const fragment = /(?:^#|&)lead=([A-Za-z0-9_-]{20,100})/.exec(window.location.hash);
  if (path) {
    L.code = path[1];
    if (fragment) {
      window.sessionStorage.setItem(storeKey(L.code), fragment[1]);
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
    }
    L.token = window.sessionStorage.getItem(storeKey(L.code));
  }

  function start() {
    if (!PG.C || !window.dash_clientside.set_props || !document.getElementById(PG.C.ids.live_bar)) {
      window.setTimeout(start, 100);
      return;
    }
    wrapBridge();
    Object.keys(cfg().events).forEach(function (k) { K[k] = k; });
    if (!L.code) return;
    if (L.token) lead();
    else follow();
  }
  start();
})();
