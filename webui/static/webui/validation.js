// Launch a validation run through the JSON API and poll its progress (no framework, no CDN).
(function () {
  "use strict";
  var section = document.getElementById("validation");
  if (!section) return;
  var form = document.getElementById("validation-form");
  var POLL_MS = 1000;

  function csrfToken() {
    var input = section.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function el(id) { return document.getElementById(id); }

  function human(name, value) {
    if (typeof value !== "number") return String(value);
    var steps = [[1e15, "P"], [1e12, "T"], [1e9, "G"], [1e6, "M"], [1e3, "k"]];
    function short(v) { return String(Number(v.toPrecision(3))); }
    function scaled(v, unit, gap) {
      for (var i = 0; i < steps.length; i++) {
        if (Math.abs(v) >= steps[i][0]) return short(v / steps[i][0]) + " " + steps[i][1] + gap + unit;
      }
      return short(v) + " " + unit;
    }
    if (/_bytes_per_s$/.test(name)) return scaled(value, "B/s", "");
    if (/_bytes$/.test(name)) return scaled(value, "B", "");
    if (/iops$/.test(name)) return scaled(value, "IOPS", " ");
    if (/_s$/.test(name)) return value < 1 ? short(value * 1000) + " ms" : short(value) + " s";
    return scaled(value, "", "").trim();
  }

  // 'shared_fast.read_bytes_per_s' -> 'shared fast: read bandwidth (B/s)', as the page's labels read.
  function words(name) {
    var units = [[/_bytes_per_s$/, " bandwidth (B/s)"], [/_bytes$/, " (bytes)"], [/_iops$|^iops$/, " (IOPS)"], [/_s$/, " (time)"]];
    var parts = String(name).split(".");
    var field = parts.pop();
    for (var i = 0; i < units.length; i++) {
      if (units[i][0].test(field)) { field = field.replace(units[i][0], "") + units[i][1]; break; }
    }
    var text = field.replace(/_/g, " ");
    return parts.length ? parts.join(" ").replace(/_/g, " ") + ": " + text : text;
  }

  function table(rows) {
    var t = document.createElement("table");
    t.className = "kv";
    rows.forEach(function (r) {
      var tr = t.insertRow();
      r.forEach(function (cell, i) {
        var c = document.createElement(i === 0 ? "th" : "td");
        c.textContent = cell;
        if (i > 0) c.className = "num";
        tr.appendChild(c);
      });
    });
    return t;
  }

  function showResults(run) {
    var box = el("run-results");
    box.textContent = "";
    var results = run.results || {};
    var measurements = results.measurements || {};
    var names = Object.keys(measurements).filter(function (k) { return typeof measurements[k] === "number"; });
    if (names.length) {
      var h = document.createElement("h4"); h.textContent = "Measured"; box.appendChild(h);
      box.appendChild(table(names.map(function (k) { return [words(k), human(k, measurements[k])]; })));
    }
    var checks = results.checks || [];
    if (checks.length) {
      var h2 = document.createElement("h4"); h2.textContent = "Checks against the requirements"; box.appendChild(h2);
      box.appendChild(table(checks.map(function (c) {
        var field = (c.requirement || "").split(".").pop();
        var margin = c.margin >= 9 ? (1 + c.margin).toFixed(0) + "× the need" : (c.margin >= 0 ? "+" : "") + (100 * c.margin).toFixed(0) + " %";
        var verdict = (c.pass ? "pass" : "FAIL") + " (" + margin + ")";
        return [words(c.requirement || ""), human(field, c.measured) + " " + (c.direction || "") + " " + human(field, c.required) + " needed — " + verdict + (c.flag ? " · " + c.flag : "") + (c.capped_by ? " · capped by " + c.capped_by : "")];
      })));
    }
    var calibration = results.calibration || {};
    var note = document.createElement("p");
    note.className = "muted";
    if (calibration.proposal_id) {
      var a = document.createElement("a");
      a.href = "/proposals/" + calibration.proposal_id + "/";
      a.className = "button primary";
      a.id = "see-reranked";
      a.textContent = "See the proposal re-ranked with these measurements";
      box.appendChild(a);
    } else if (calibration.skipped || calibration.error) {
      note.textContent = "Not re-ranked: " + (calibration.skipped || calibration.error);
      box.appendChild(note);
    }
  }

  function finished(run) {
    // Calibration lands just after "succeeded"; keep polling briefly until it does.
    if (run.status === "failed" || run.status === "cancelled") return true;
    return run.status === "succeeded" && (Boolean((run.results || {}).calibration) || run.extraPolls > 10);
  }

  var ACTIVE = ["queued", "running"];

  function cancel() {
    var id = el("cancel-run").dataset.run;
    el("cancel-run").disabled = true;
    fetch("/api/v1/validations/" + id + "/cancel/", {
      method: "POST", credentials: "same-origin",
      headers: {"X-CSRFToken": csrfToken(), Accept: "application/json"}
    }).then(function (r) {
      return r.json().then(function (data) { return {ok: r.ok, data: data}; });
    }).then(function (answer) {
      if (answer.ok) { render(answer.data); return; }
      el("run-error").hidden = false;
      el("run-error").textContent = [].concat(answer.data.status || answer.data.detail || "could not cancel").join(" ");
    });
  }

  function render(run) {
    el("run-status").hidden = false;
    el("cancel-run").dataset.run = run.id;
    el("cancel-run").hidden = ACTIVE.indexOf(run.status) < 0;
    el("cancel-run").disabled = false;
    el("run-title").textContent = "Validation " + run.id;
    el("run-state").textContent = run.status;
    el("run-state").className = "badge " + (run.status === "succeeded" ? "ok" : run.status === "failed" ? "warn" : "");
    el("run-stage").textContent = run.stage || "";
    el("run-progress").value = run.progress || 0;
    el("run-error").hidden = !run.error;
    el("run-error").textContent = run.error || "";
    if (["succeeded", "failed", "cancelled"].indexOf(run.status) >= 0) showResults(run);
  }

  function poll(id, extraPolls) {
    extraPolls = extraPolls || 0;
    fetch("/api/v1/validations/" + id + "/", {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (run) {
        run.extraPolls = extraPolls;
        render(run);
        if (!finished(run)) {
          var extra = run.status === "succeeded" ? extraPolls + 1 : 0;
          setTimeout(function () { poll(id, extra); }, POLL_MS);
        }
      })
      .catch(function (err) { el("run-error").hidden = false; el("run-error").textContent = String(err); });
  }

  function launch(event) {
    event.preventDefault();
    var targets = Array.prototype.map.call(form.querySelectorAll("input[name=targets]:checked"), function (i) { return i.value; });
    var body = {targets: targets, budget_s: Number(el("budget_s").value)};
    el("launch").disabled = true;
    fetch("/api/v1/use-cases/" + section.dataset.useCase + "/validations/", {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "application/json"},
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (data) { return {ok: r.ok, data: data}; });
    }).then(function (answer) {
      el("launch").disabled = false;
      if (!answer.ok) {
        el("run-status").hidden = false;
        el("run-error").hidden = false;
        el("run-error").textContent = Object.keys(answer.data).map(function (k) { return k + ": " + [].concat(answer.data[k]).join(" "); }).join("; ");
        return;
      }
      render(answer.data);
      poll(answer.data.id);
    });
  }

  if (form) form.addEventListener("submit", launch);
  el("cancel-run").addEventListener("click", cancel);
  section.querySelectorAll("a.watch").forEach(function (a) {
    a.addEventListener("click", function () { poll(a.dataset.run); });
  });
})();
