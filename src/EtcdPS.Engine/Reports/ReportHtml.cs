using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace EtcdPS.Engine.Reports;

/// <summary>
/// Renders the report as one self-contained HTML file: tables in HTML, charts drawn by Apache ECharts (vendored from npm,
/// with its licence, inlined), the data as JSON in the page. Nothing is fetched when the page is opened.
/// </summary>
internal static class ReportHtml
{
    public const string ChartsLibrary = "Apache ECharts 6.1.0";

    private static readonly Lazy<string> s_echarts = new(() => Resource("echarts.min.js"));
    private static readonly Lazy<string> s_licence = new(() => Resource("echarts.NOTICE") + "\n\n" + Resource("echarts.LICENSE"));

    public static string Render(ReportData data)
    {
        var html = new StringBuilder(s_echarts.Value.Length + 200_000);
        var failed = data.Checks.Count(c => c.Status == EtcdCheckStatus.Fail);
        var warned = data.Checks.Count(c => c.Status == EtcdCheckStatus.Warn);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>etcd report ").Append(E(data.GeneratedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))).Append("</title>")
            .Append("<style>").Append(Css).Append("</style>")
            .Append("<script>window.addEventListener('error',function(e){document.documentElement.setAttribute('data-report-error',String(e.message));});</script>")
            .Append("</head><body>\n");

        html.Append("<header><h1>etcd report</h1><p>")
            .Append(E(data.GeneratedAt.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture))).Append(" &middot; connection ").Append(E(data.Connection))
            .Append(" &middot; keyspace ").Append(data.Prefix.Length == 0 ? "(all keys)" : "<code>" + E(data.Prefix) + "</code>")
            .Append(" &middot; sampled for ").Append(E(Seconds(data.SampleDuration))).Append("</p>")
            .Append("<div class=\"tiles\">")
            .Append(Tile("Members", data.Members.Count.ToString(CultureInfo.InvariantCulture), data.StatusErrors.Count > 0 ? "fail" : "pass"))
            .Append(Tile("Failed checks", failed.ToString(CultureInfo.InvariantCulture), failed > 0 ? "fail" : "pass"))
            .Append(Tile("Warnings", warned.ToString(CultureInfo.InvariantCulture), warned > 0 ? "warn" : "pass"))
            .Append(Tile("Keys", data.Keys.ToString("N0", CultureInfo.InvariantCulture), string.Empty))
            .Append(Tile("Keyspace size", ByteSize.Format(data.Bytes), string.Empty))
            .Append(Tile("Revision", data.Revision.ToString(CultureInfo.InvariantCulture), string.Empty))
            .Append("</div></header>\n<main>\n");

        Members(html, data);
        Checks(html, data);
        html.Append("<section><h2>Database size, in use and quota</h2><div id=\"chart-db\" class=\"chart short\"></div></section>\n");
        html.Append("<section><h2>Keyspace by resource and namespace</h2><p class=\"hint\">Area by <button type=\"button\" id=\"by-bytes\" class=\"on\">bytes</button> <button type=\"button\" id=\"by-count\">keys</button>; hover for both, click a resource to zoom into it.</p><div id=\"chart-treemap\" class=\"chart\"></div></section>\n");
        html.Append("<section><h2>Writes per second by resource</h2><p class=\"hint\">Every revision of the sample period, attributed to the resource of its key (a watch replays the period).</p><div id=\"chart-rate\" class=\"chart\"></div></section>\n");
        Largest(html, data);
        History(html, data);
        Recommendations(html, data);
        html.Append("</main><footer>Made by EtcdPS Export-EtcdReport. Charts drawn by ").Append(ChartsLibrary)
            .Append(" (Apache License 2.0, included in this file). The page needs no network.</footer>\n");

        html.Append("<script type=\"application/json\" id=\"report-data\">").Append(Json(data)).Append("</script>\n");
        html.Append("<!--\n").Append(s_licence.Value.Replace("--", "- -", StringComparison.Ordinal)).Append("\n-->\n");
        html.Append("<script>").Append(s_echarts.Value).Append("</script>\n");
        html.Append("<script>").Append(Script).Append("</script>\n</body></html>\n");
        return html.ToString();
    }

    private static void Members(StringBuilder html, ReportData data)
    {
        html.Append("<section><h2>Members</h2><table><thead><tr><th>Member</th><th>Endpoint</th><th>Version</th><th>Role</th><th class=\"n\">DB size</th><th class=\"n\">In use</th><th class=\"n\">Quota</th><th class=\"n\">Raft index</th><th class=\"n\">Revision</th></tr></thead><tbody>");
        foreach (var member in data.Members.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            var status = data.Statuses.FirstOrDefault(s => s.MemberId == member.Id);
            html.Append("<tr><td>").Append(E(member.Name)).Append("</td><td>").Append(E(string.Join(", ", member.ClientUrls))).Append("</td>");
            if (status is null)
            {
                html.Append("<td colspan=\"7\" class=\"fail\">did not answer</td></tr>");
                continue;
            }

            var quota = status.DbSizeQuota > 0 ? status.DbSizeQuota : data.Quotas.GetValueOrDefault(member.Name);
            html.Append("<td>").Append(E(status.Version)).Append("</td><td>").Append(status.IsLeader ? "leader" : status.IsLearner ? "learner" : "follower")
                .Append("</td><td class=\"n\">").Append(ByteSize.Format(status.DbSize)).Append("</td><td class=\"n\">").Append(ByteSize.Format(status.DbSizeInUse))
                .Append("</td><td class=\"n\">").Append(quota > 0 ? ByteSize.Format(quota) : "?").Append("</td><td class=\"n\">").Append(status.RaftIndex)
                .Append("</td><td class=\"n\">").Append(status.Revision).Append("</td></tr>");
        }

        html.Append("</tbody></table>");
        foreach (var error in data.StatusErrors)
        {
            html.Append("<p class=\"fail\">").Append(E(error)).Append("</p>");
        }

        html.Append("</section>\n");
    }

    private static void Checks(StringBuilder html, ReportData data)
    {
        html.Append("<section><h2>Health checks</h2><table id=\"checks\"><thead><tr><th>Status</th><th>Check</th><th>Member</th><th class=\"n\">Value</th><th class=\"n\">Threshold</th><th>Finding</th></tr></thead><tbody>");
        foreach (var check in data.Checks.OrderByDescending(c => c.Status).ThenBy(c => c.Check, StringComparer.Ordinal).ThenBy(c => c.Member, StringComparer.Ordinal))
        {
            var css = check.Status.ToString().ToLowerInvariant();
            html.Append("<tr><td><span class=\"badge ").Append(css).Append("\">").Append(check.Status).Append("</span></td><td>").Append(E(check.Check))
                .Append("</td><td>").Append(E(check.Member)).Append("</td><td class=\"n\">").Append(E(check.ValueText)).Append("</td><td class=\"n\">")
                .Append(E(check.ThresholdText)).Append("</td><td>").Append(E(check.Message)).Append("</td></tr>");
        }

        html.Append("</tbody></table></section>\n");
    }

    private static void Largest(StringBuilder html, ReportData data)
    {
        html.Append("<section><h2>Largest objects</h2><table><thead><tr><th class=\"n\">#</th><th>Key</th><th>Resource</th><th>Namespace</th><th class=\"n\">Size</th><th class=\"n\">ModRevision</th><th class=\"n\">Version</th></tr></thead><tbody>");
        var rank = 0;
        foreach (var o in data.Largest)
        {
            html.Append("<tr><td class=\"n\">").Append(++rank).Append("</td><td><code>").Append(E(o.Key)).Append("</code></td><td>").Append(E(o.Resource))
                .Append("</td><td>").Append(E(o.Namespace)).Append("</td><td class=\"n\">").Append(ByteSize.Format(o.Bytes)).Append("</td><td class=\"n\">")
                .Append(o.ModRevision).Append("</td><td class=\"n\">").Append(o.Version).Append("</td></tr>");
        }

        html.Append("</tbody></table></section>\n");
    }

    private static void History(StringBuilder html, ReportData data)
    {
        var kept = Math.Max(0, data.Revision - data.CompactRevision);
        var size = data.Statuses.Count > 0 ? data.Statuses.Max(s => s.DbSize) : 0;
        var inUse = data.Statuses.Count > 0 ? data.Statuses.Max(s => s.DbSizeInUse) : 0;
        html.Append("<section><h2>History kept against the latest values</h2><table class=\"narrow\"><tbody>")
            .Append("<tr><th>Current revision</th><td class=\"n\">").Append(data.Revision).Append("</td></tr>")
            .Append("<tr><th>Compacted up to revision</th><td class=\"n\">").Append(data.CompactRevision).Append("</td></tr>")
            .Append("<tr><th>Revisions of history kept</th><td class=\"n\">").Append(kept).Append("</td></tr>")
            .Append("<tr><th>Live keys (latest values)").Append(data.Prefix.Length > 0 ? " under " + E(data.Prefix) : string.Empty).Append("</th><td class=\"n\">").Append(data.Keys).Append("</td></tr>")
            .Append("<tr><th>Latest values and keys</th><td class=\"n\">").Append(ByteSize.Format(data.Bytes)).Append("</td></tr>")
            .Append("<tr><th>Database in use (latest + history + index)</th><td class=\"n\">").Append(ByteSize.Format(inUse)).Append("</td></tr>")
            .Append("<tr><th>Database file</th><td class=\"n\">").Append(ByteSize.Format(size)).Append("</td></tr>")
            .Append("</tbody></table><p class=\"hint\">Every write keeps the previous value until a compaction removes history below a revision; a defragmentation then returns the freed pages to the file system.</p></section>\n");
    }

    private static void Recommendations(StringBuilder html, ReportData data)
    {
        var actions = data.Checks.Where(c => c.Status != EtcdCheckStatus.Pass && c.RecommendedAction.Length > 0)
            .GroupBy(c => c.RecommendedAction)
            .Select(g => (Members: string.Join(", ", g.Select(c => c.Member).Distinct()), Check: g.First().Check, Action: g.Key, Worst: g.Max(c => c.Status)))
            .OrderByDescending(a => a.Worst)
            .ToList();
        html.Append("<section><h2>Recommendations</h2>");
        if (actions.Count == 0)
        {
            html.Append("<p class=\"pass\">Every check passed: nothing to do.</p></section>\n");
            return;
        }

        html.Append("<ul id=\"recommendations\">");
        foreach (var (members, check, action, worst) in actions)
        {
            html.Append("<li><span class=\"badge ").Append(worst.ToString().ToLowerInvariant()).Append("\">").Append(worst).Append("</span> <b>")
                .Append(E(check)).Append("</b> (").Append(E(members)).Append("): ").Append(E(action)).Append("</li>");
        }

        html.Append("</ul></section>\n");
    }

    private static string Json(ReportData data)
    {
        var members = data.Members.OrderBy(m => m.Name, StringComparer.Ordinal).Select(m =>
        {
            var s = data.Statuses.FirstOrDefault(x => x.MemberId == m.Id);
            var quota = s is null ? 0 : s.DbSizeQuota > 0 ? s.DbSizeQuota : data.Quotas.GetValueOrDefault(m.Name);
            return new { name = m.Name, dbSize = s?.DbSize ?? 0, inUse = s?.DbSizeInUse ?? 0, quota, answered = s is not null };
        });
        var keyspace = data.Keyspace.Select(c => new { resource = c.Resource, ns = c.Namespace, count = c.Count, bytes = c.Bytes });
        var rate = data.Rate.Select(p => new
        {
            time = p.Time.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
            seconds = p.Seconds,
            writes = p.WritesByResource,
        });
        // The default encoder escapes <, > and & as \u003C..., so no key or value can close the script element.
        return JsonSerializer.Serialize(new { members, keyspace, rate });
    }

    private static string Tile(string label, string value, string css) =>
        $"<div class=\"tile {css}\"><div class=\"v\">{E(value)}</div><div class=\"l\">{E(label)}</div></div>";

    private static string Seconds(TimeSpan span) => span.TotalSeconds < 120
        ? span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s"
        : span.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture) + " min";

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("EtcdPS.Engine.Reports." + name)
            ?? throw new InvalidOperationException($"The resource {name} is missing from the engine assembly.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private const string Css = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
        header{background:#1d2330;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:22px}header p{margin:0;color:#c5cad6}
        header code{color:#fff}main{padding:8px 28px 28px;max-width:1400px}
        section{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:14px 18px;margin:16px 0}
        h2{font-size:16px;margin:0 0 10px}table{border-collapse:collapse;width:100%}table.narrow{width:auto}
        th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e6e8ec;vertical-align:top}th{font-weight:600;color:#4a5263}
        .n{text-align:right;font-variant-numeric:tabular-nums}code{font-size:12px;word-break:break-all}
        .tiles{display:flex;flex-wrap:wrap;gap:10px;margin-top:12px}.tile{background:#2b3345;border-radius:6px;padding:8px 14px;min-width:110px}
        .tile .v{font-size:20px;font-weight:600}.tile .l{font-size:12px;color:#c5cad6}.tile.fail{background:#a12b2b}.tile.warn{background:#8a6414}.tile.pass{background:#24613a}
        .badge{display:inline-block;border-radius:4px;padding:0 6px;font-size:12px;font-weight:600;color:#fff}
        .badge.pass{background:#2e7d4f}.badge.warn{background:#b7791f}.badge.fail{background:#c53030}
        p.fail,td.fail{color:#c53030}p.pass{color:#2e7d4f}.hint{color:#667085;margin:0 0 8px}
        .chart{height:460px}.chart.short{height:220px}
        button{font:inherit;border:1px solid #c5cad6;background:#fff;border-radius:4px;padding:0 8px;cursor:pointer}button.on{background:#1d2330;color:#fff}
        footer{color:#667085;font-size:12px;padding:0 28px 24px}
        """;

    private const string Script = """
        (function () {
          'use strict';
          var data = JSON.parse(document.getElementById('report-data').textContent);
          function bytes(b) {
            var u = ['B', 'kB', 'MB', 'GB', 'TB'], i = 0;
            while (Math.abs(b) >= 1000 && i < u.length - 1) { b /= 1000; i++; }
            return (i === 0 ? b : b.toFixed(1)) + ' ' + u[i];
          }
          function chart(id) {
            var el = document.getElementById(id);
            var c = echarts.init(el, null, { renderer: 'svg' });
            c.on('rendered', function () { el.setAttribute('data-rendered', 'true'); });
            window.addEventListener('resize', function () { c.resize(); });
            return c;
          }

          var db = chart('chart-db');
          var m = data.members;
          db.setOption({
            animation: false,
            tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: bytes },
            legend: { top: 0 },
            grid: { left: 80, right: 30, top: 30, bottom: 30 },
            xAxis: { type: 'value', axisLabel: { formatter: bytes } },
            yAxis: { type: 'category', data: m.map(function (x) { return x.name; }) },
            series: [
              { name: 'in use', type: 'bar', stack: 'db', data: m.map(function (x) { return x.inUse; }), itemStyle: { color: '#3b6fd8' } },
              { name: 'free in the file', type: 'bar', stack: 'db', data: m.map(function (x) { return Math.max(0, x.dbSize - x.inUse); }), itemStyle: { color: '#f0a030' } },
              { name: 'left of the quota', type: 'bar', stack: 'db', data: m.map(function (x) { return Math.max(0, x.quota - x.dbSize); }), itemStyle: { color: '#e3e7ee' } }
            ]
          });

          var tree = chart('chart-treemap');
          function treeData(measure) {
            var byResource = {};
            data.keyspace.forEach(function (c) {
              var r = byResource[c.resource] || (byResource[c.resource] = { name: c.resource, bytes: 0, count: 0, children: [] });
              r.bytes += c.bytes; r.count += c.count;
              r.children.push({ name: c.ns, bytes: c.bytes, count: c.count, value: c[measure] });
            });
            return Object.keys(byResource).map(function (k) { var r = byResource[k]; r.value = r[measure]; return r; });
          }
          function drawTree(measure) {
            tree.setOption({
              animation: false,
              tooltip: {
                formatter: function (info) {
                  var d = info.data || {};
                  var path = (info.treePathInfo || []).slice(1).map(function (p) { return p.name; }).join(' / ');
                  return echarts.format.encodeHTML(path) + '<br>' + bytes(d.bytes || 0) + ', ' + (d.count || 0).toLocaleString() + ' keys';
                }
              },
              series: [{
                type: 'treemap', name: 'keyspace', data: treeData(measure), roam: false, nodeClick: 'zoomToNode',
                breadcrumb: { show: true }, label: { show: true, formatter: '{b}' }, upperLabel: { show: true, height: 20 },
                levels: [{ itemStyle: { borderColor: '#fff', borderWidth: 2, gapWidth: 2 } }, { colorSaturation: [0.35, 0.6], itemStyle: { gapWidth: 1, borderColorSaturation: 0.7 } }]
              }]
            }, true);
          }
          drawTree('bytes');
          ['bytes', 'count'].forEach(function (measure) {
            document.getElementById('by-' + measure).addEventListener('click', function () {
              document.getElementById('by-bytes').className = measure === 'bytes' ? 'on' : '';
              document.getElementById('by-count').className = measure === 'count' ? 'on' : '';
              drawTree(measure);
            });
          });

          var rate = chart('chart-rate');
          var totals = {};
          data.rate.forEach(function (p) { Object.keys(p.writes).forEach(function (r) { totals[r] = (totals[r] || 0) + p.writes[r]; }); });
          var names = Object.keys(totals).sort(function (a, b) { return totals[b] - totals[a]; });
          var shown = names.slice(0, 9), rest = names.slice(9);
          function perSecond(p, list) {
            var n = 0; list.forEach(function (r) { n += p.writes[r] || 0; });
            return p.seconds > 0 ? Math.round(n / p.seconds * 100) / 100 : 0;
          }
          var series = shown.map(function (r) {
            return { name: r, type: 'line', stack: 'writes', areaStyle: {}, symbol: 'none', emphasis: { focus: 'series' }, data: data.rate.map(function (p) { return perSecond(p, [r]); }) };
          });
          if (rest.length > 0) {
            series.push({ name: 'other (' + rest.length + ')', type: 'line', stack: 'writes', areaStyle: {}, symbol: 'none', data: data.rate.map(function (p) { return perSecond(p, rest); }) });
          }
          rate.setOption({
            animation: false,
            tooltip: { trigger: 'axis' },
            legend: { type: 'scroll', top: 0 },
            grid: { left: 50, right: 20, top: 40, bottom: 30 },
            xAxis: { type: 'category', boundaryGap: false, data: data.rate.map(function (p) { return p.time; }) },
            yAxis: { type: 'value', name: 'writes/s' },
            series: series
          });
          document.documentElement.setAttribute('data-charts', 'drawn');
        })();
        """;
}
