/* The console's charts (Apache ECharts, vendored) and the overview's refresh every 60 seconds.
   Clicking a bar or a slice opens the tickets behind that number. */
(function () {
  "use strict";
  var PALETTE = ["#1d6fb8", "#1e8449", "#c0392b", "#d68910", "#7d3c98", "#17a589", "#5d6d7e"];
  var charts = [];
  var COUNTS = ["件", "户", "条"];   // drawn as bars on the left axis; rates, ratings and minutes as lines on the right

  function draw(element, spec) {
    if (!window.echarts) { return; }
    var chart = echarts.getInstanceByDom(element) || echarts.init(element);
    chart.setOption(option(spec), true);
    chart.off("click");
    chart.on("click", function (params) {
      var links = spec.links || [];
      var row = links[params.seriesIndex] || [];
      var href = row[params.dataIndex];
      if (href) { window.location.href = href; }
    });
    if (charts.indexOf(chart) < 0) { charts.push(chart); }
  }

  function option(spec) {
    if (spec.type === "pie") { return pie(spec); }
    var rates = spec.series.some(function (s) { return COUNTS.indexOf(s.unit) < 0; });
    var hidden = {};
    var series = spec.series.map(function (s) {
      var isRate = COUNTS.indexOf(s.unit) < 0;
      if (s.shown === false) { hidden[s.name + (isRate ? "（" + s.unit + "）" : "")] = false; }
      var item = { name: s.name + (isRate ? "（" + s.unit + "）" : ""), type: isRate ? "line" : "bar",
                   data: s.values, yAxisIndex: isRate ? 1 : 0, barMaxWidth: 36, cursor: "pointer",
                   label: { show: !isRate && spec.labels.length <= 8, position: "top" } };
      if (isRate && spec.target && s.name === spec.targetSeries) {
        item.markLine = { symbol: "none", data: [{ yAxis: spec.target, name: "目标" }],
                          lineStyle: { type: "dashed", color: "#c0392b" }, label: { formatter: "目标 {c}%" } };
      }
      return item;
    });
    var yAxis = [{ type: "value", minInterval: 1, name: "件" }];
    if (rates) { yAxis.push({ type: "value", name: "%", max: 100, min: 0, splitLine: { show: false } }); }
    return { color: PALETTE, tooltip: { trigger: "axis" }, legend: { top: 0, type: "scroll", selected: hidden },
             grid: { left: 40, right: rates ? 40 : 16, top: 40, bottom: 30, containLabel: true },
             xAxis: { type: "category", data: spec.labels, axisLabel: { interval: 0, rotate: spec.labels.length > 6 ? 30 : 0 } },
             yAxis: yAxis, series: series };
  }

  function pie(spec) {
    var s = spec.series[0];
    return { color: PALETTE, tooltip: { trigger: "item", formatter: "{b}：{c}件（{d}%）" },
             legend: { type: "scroll", bottom: 0 },
             series: [{ type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"], cursor: "pointer",
                        data: spec.labels.map(function (label, i) { return { name: label, value: s.values[i] }; }) }] };
  }

  function overviewSpec(figures, name) {
    return { type: "bar", labels: figures.map(function (f) { return f.label; }),
             series: [{ name: name, unit: "件", values: figures.map(function (f) { return f.value; }) }],
             links: [figures.map(function (f) { return f.href; })] };
  }

  function drawOverview(data) {
    var buckets = document.getElementById("chart-buckets");
    var today = document.getElementById("chart-today");
    if (buckets) { draw(buckets, overviewSpec(data.buckets, "工单数")); }
    if (today) { draw(today, overviewSpec(data.today.slice(1), "今日新增")); }
  }

  function refresh(source) {
    fetch(source.getAttribute("data-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.status === 401) { window.location.reload(); return null; }
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) { return; }
        ["live", "buckets", "today", "incidents"].forEach(function (group) {
          (data[group] || []).forEach(function (f) {
            document.querySelectorAll('[data-figure="' + group + "." + f.key + '"]').forEach(function (el) {
              var target = el.querySelector(".value") || el;
              target.textContent = f.value;
              el.setAttribute("href", f.href);
            });
          });
        });
        document.getElementById("updated-at").textContent = data.at;
        drawOverview(data);
      })
      .catch(function () { /* offline for a moment: the next refresh tries again */ });
  }

  function start() {
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      draw(element, JSON.parse(element.getAttribute("data-chart")));
    });
    var source = document.getElementById("overview-data");
    if (source) {
      drawOverview(JSON.parse(source.textContent));
      window.setInterval(function () { refresh(source); }, 60000);
    }
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
    window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
