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
})();
