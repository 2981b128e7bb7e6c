/* Charts of the dashboard and indicator pages (Apache ECharts, served locally). */
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }

  function readJson(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  var sparks = readJson("sparklines") || [];
  sparks.forEach(function (s) {
    var el = document.getElementById(s.id);
    if (!el || !s.values.length) { return; }
    var chart = echarts.init(el, null, { renderer: "svg" });
    var series = [{ type: "line", data: s.values, symbol: "none", lineStyle: { width: 1.5 },
      connectNulls: false }];
    if (s.target !== null) {
      series[0].markLine = { silent: true, symbol: "none", label: { show: false },
        lineStyle: { type: "dashed", color: "#b45309", width: 1 }, data: [{ yAxis: s.target }] };
    }
    chart.setOption({
      animation: false,
      grid: { left: 2, right: 2, top: 4, bottom: 4 },
      xAxis: { type: "category", data: s.years, show: false },
      yAxis: { type: "value", show: false, scale: true },
      tooltip: { trigger: "axis", confine: true },
      series: series
    });
  });

  var data = readJson("chart-data");
  var el = document.getElementById("indicator-chart");
  if (data && el) {
    var chart = echarts.init(el);
    var series = data.series.map(function (s) {
      return { name: s.name, type: "line", data: s.values, connectNulls: false,
        lineStyle: { width: s.main ? 3 : 1 }, symbolSize: s.main ? 6 : 3, z: s.main ? 3 : 2 };
    });
    if (data.target !== null && series.length) {
      series[0].markLine = { symbol: "none", lineStyle: { type: "dashed", color: "#b45309" },
        label: { formatter: data.target_label + " " + data.target, position: "insideEndTop" }, data: [{ yAxis: data.target }] };
    }
    var selected = {};
    data.series.forEach(function (s, i) { selected[s.name] = s.main || i < 4; });
    if (data.projection && data.projection.length) {
      series.push({ name: data.projection_label, type: "line", data: data.projection,
        connectNulls: true, symbol: "none", lineStyle: { type: "dashed", width: 2, color: "#1d4ed8" } });
      selected[data.projection_label] = true;
    }
    if (data.band) {
      // The main unit's 95% interval as a shaded band: an invisible base and the width on it.
      series.push({ name: data.band_label, type: "line", data: data.band.low, stack: "band",
        symbol: "none", lineStyle: { opacity: 0 }, tooltip: { show: false } });
      series.push({ name: data.band_label, type: "line", stack: "band", symbol: "none",
        lineStyle: { opacity: 0 }, areaStyle: { color: "rgba(29, 78, 216, 0.15)" },
        data: data.band.high.map(function (h, i) {
          var l = data.band.low[i];
          return (h === null || l === null) ? null : h - l;
        }) });
      selected[data.band_label] = true;
    }
    if (data.projection_band) {
      // The projection's 95% prediction interval: a wedge from the latest value that widens
      // to the interval in the target year.
      var pb = data.projection_band;
      // stackStrategy "all": a lower bound below zero (a linear scale) still stacks right.
      series.push({ name: data.projection_band_label, type: "line", data: pb.low,
        stack: "pband", stackStrategy: "all", symbol: "none", lineStyle: { opacity: 0 },
        tooltip: { show: false } });
      series.push({ name: data.projection_band_label, type: "line", stack: "pband",
        stackStrategy: "all", symbol: "none", lineStyle: { opacity: 0 },
        areaStyle: { color: "rgba(29, 78, 216, 0.10)" },
        data: pb.high.map(function (h, i) {
          var l = pb.low[i];
          return (h === null || l === null) ? null : h - l;
        }) });
      selected[data.projection_band_label] = true;
    }
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", bottom: 0, selected: selected },
      grid: { left: 50, right: 20, top: 30, bottom: 50 },
      xAxis: { type: "category", data: data.years },
      yAxis: { type: "value", name: data.unit, scale: true },
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  var cmp = readJson("comparison-data");
  var cel = document.getElementById("comparison-chart");
  if (cmp && cel) {
    var c = echarts.init(cel);
    var option;
    if (cmp.kind === "funnel") {
      var pair = function (ys) { return cmp.n.map(function (n, i) { return [n, ys[i]]; }); };
      option = {
        tooltip: { trigger: "item", formatter: function (p) {
          return p.data.name ? p.data.name + ": " + p.data.value[1] + " (" + p.data.value[0] + ")" : ""; } },
        grid: { left: 55, right: 20, top: 20, bottom: 45 },
        xAxis: { type: "log", name: cmp.labels.x, nameLocation: "middle", nameGap: 28 },
        yAxis: { type: "value", name: cmp.unit, scale: true },
        series: [
          { type: "line", data: pair(cmp.lower), symbol: "none", lineStyle: { type: "dashed", color: "#6b7280" }, name: cmp.labels.limits },
          { type: "line", data: pair(cmp.upper), symbol: "none", lineStyle: { type: "dashed", color: "#6b7280" }, name: cmp.labels.limits },
          { type: "line", data: [[cmp.n[0], cmp.centre], [cmp.n[cmp.n.length - 1], cmp.centre]], symbol: "none", lineStyle: { color: "#1d4ed8" }, name: cmp.labels.centre },
          { type: "scatter", symbolSize: 9, data: cmp.points.map(function (p) {
            return { name: p.name, value: [p.n, p.value], itemStyle: { color: p.outside ? "#b91c1c" : "#2563eb" } }; }),
            label: { show: true, position: "right", fontSize: 10, formatter: function (p) { return p.data.name; } } }
        ]
      };
    } else {
      option = {
        tooltip: { trigger: "axis" },
        grid: { left: 55, right: 20, top: 20, bottom: 70 },
        xAxis: { type: "category", data: cmp.labels, axisLabel: { rotate: 60 } },
        yAxis: { type: "value", name: cmp.unit },
        series: [{ type: "bar", data: cmp.values, itemStyle: { color: "#2563eb" } }]
      };
    }
    c.setOption(option);
    window.addEventListener("resize", function () { c.resize(); });
  }
})();

/* Print: ECharts draws at the screen's size. When the page turns to print media (the browser's
   print, or page.pdf() after emulating it) every chart is redrawn at its container's printed
   width, and again at the screen's after. Browsers that only send beforeprint get a width from
   the A4 page (landscape for the page with the county grid, as print.css sets it). */
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  function charts() {
    return Array.prototype.map.call(document.querySelectorAll("[_echarts_instance_]"),
      function (el) { return echarts.getInstanceByDom(el); }).filter(Boolean);
  }
  var media = window.matchMedia ? window.matchMedia("print") : null;
  function fit() { charts().forEach(function (c) { c.resize(); }); }
  window.addEventListener("beforeprint", function () {
    // A4 less print.css's margins, at 96 px per inch: 190 mm portrait, 277 mm landscape; the
    // height is print.css's.
    var page = (document.querySelector("table.grid") ? 277 : 190) * 96 / 25.4;
    charts().forEach(function (c) {
      var el = c.getDom();
      if (el.classList.contains("chart")) { c.resize({ width: Math.floor(page), height: 360 }); }
    });
  });
  window.addEventListener("afterprint", fit);
  if (media) {
    if (media.addEventListener) { media.addEventListener("change", fit); } else { media.addListener(fit); }
  }
})();
