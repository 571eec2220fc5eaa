using System.Net;
using System.Text.Json;
using RetentionConsole.Core.Integrations.Prometheus;
using RetentionConsole.Core.Monitoring;
using RetentionConsole.Tests.TestInfrastructure;

namespace RetentionConsole.Tests.Integrations.Prometheus;

/// <summary>Every payload in ../shared/contracts/prometheus parses into the DTOs and maps to domain types or typed errors.</summary>
public sealed class PrometheusContractTests
{
    private const string Vendor = "prometheus";

    public static TheoryData<string> AllPayloads()
    {
        var data = new TheoryData<string>();
        foreach (var name in ContractFiles.Payloads(Vendor)) data.Add(name);
        return data;
    }

    /// <summary>The status each error body comes with: captured live, else README §4's table (internal → 500).</summary>
    private static HttpStatusCode StatusOf(string name, string errorType) =>
        (HttpStatusCode)(ContractFiles.CapturedStatus(Vendor, name) ?? errorType switch
        {
            "bad_data" => 400,
            "execution" => 422,
            "timeout" => 503,
            _ => 500,
        });

    [Theory]
    [MemberData(nameof(AllPayloads))]
    public void EveryPayload_ParsesIntoResultOrTypedError(string name)
    {
        var body = ContractFiles.Read(Vendor, name);
        using var raw = JsonDocument.Parse(body);
        var status = raw.RootElement.GetProperty("status").GetString();
        if (status == "success")
        {
            var result = PrometheusMapper.Parse(body);
            var expectedType = raw.RootElement.GetProperty("data").GetProperty("resultType").GetString();
            Assert.Equal(expectedType, result.Type.ToString().ToLowerInvariant());
            var rawResult = raw.RootElement.GetProperty("data").GetProperty("result");
            if (result.Type is MetricResultType.Vector or MetricResultType.Matrix)
                Assert.Equal(rawResult.GetArrayLength(), result.Series.Count);
            else
                Assert.NotNull(result.Scalar);
        }
        else
        {
            var errorType = raw.RootElement.GetProperty("errorType").GetString()!;
            var httpStatus = StatusOf(name, errorType);
            var ex = Assert.Throws<PrometheusQueryException>(() => PrometheusMapper.Parse(body, httpStatus));
            Assert.Equal(errorType, ex.ErrorType);
            Assert.Equal(raw.RootElement.GetProperty("error").GetString(), ex.Error);
            Assert.Equal(httpStatus, ex.StatusCode);
        }
    }

    [Fact]
    public void LiveVector_MapsLabelsValueAndMillisecondTimestamp()
    {
        var result = PrometheusMapper.Parse(ContractFiles.Read(Vendor, "live.query.vector.json"));
        var series = Assert.Single(result.Series);
        Assert.Equal("up", series.Label("__name__"));
        Assert.Equal("127.0.0.1:19090", series.Label("instance"));
        var point = Assert.Single(series.Points);
        Assert.Equal(1, point.Value);
        Assert.Equal(new DateTime(2026, 12, 3, 12, 47, 23, 777, DateTimeKind.Utc), point.TimestampUtc);
        Assert.Equal(DateTimeKind.Utc, point.TimestampUtc.Kind);
    }

    [Fact]
    public void DocVector_TwoSeries_WithValuesAsStrings()
    {
        var result = PrometheusMapper.Parse(ContractFiles.Read(Vendor, "query.vector.response.json"));
        Assert.Equal(MetricResultType.Vector, result.Type);
        Assert.Equal([1d, 0d], result.Series.Select(s => s.Points.Single().Value));
        Assert.Equal(["prometheus", "node"], result.Series.Select(s => s.Label("job")));
    }

    [Fact]
    public void PostVector_KeepsFullDoublePrecision()
    {
        var result = PrometheusMapper.Parse(ContractFiles.Read(Vendor, "live.query.vector-post.json"));
        Assert.Equal(0.09664166666666667, result.Series.Single().Points.Single().Value);
    }

    [Fact]
    public void LiveMatrix_IntegerTimestamps_ThreePoints()
    {
        var result = PrometheusMapper.Parse(ContractFiles.Read(Vendor, "live.query_range.matrix.json"));
        Assert.Equal(MetricResultType.Matrix, result.Type);
        var points = result.Series.Single().Points;
        Assert.Equal(3, points.Count);
        Assert.Equal(TimeSpan.FromSeconds(4), points[1].TimestampUtc - points[0].TimestampUtc);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1796302035).UtcDateTime, points[0].TimestampUtc);
    }

    [Fact]
    public void DocMatrix_SecondSeriesChangesValue()
    {
        var result = PrometheusMapper.Parse(ContractFiles.Read(Vendor, "query_range.matrix.response.json"));
        Assert.Equal(2, result.Series.Count);
        Assert.Equal([0d, 0d, 1d], result.Series[1].Points.Select(p => p.Value));
        Assert.Equal(781, result.Series[0].Points[0].TimestampUtc.Millisecond);
    }

    [Fact]
    public void Scalar_AndNaN_MapToScalarPoint()
    {
        var scalar = PrometheusMapper.Parse(ContractFiles.Read(Vendor, "live.query.scalar.json"));
        Assert.Equal(MetricResultType.Scalar, scalar.Type);
        Assert.Equal(1, scalar.Scalar!.Value);
        Assert.Empty(scalar.Series);

        var docScalar = PrometheusMapper.Parse(ContractFiles.Read(Vendor, "query.scalar.response.json"));
        Assert.Equal(42, docScalar.Scalar!.Value);

        var nan = PrometheusMapper.Parse(ContractFiles.Read(Vendor, "live.query.nan.json"));
        Assert.True(double.IsNaN(nan.Scalar!.Value));
    }

    [Fact]
    public void EmptyVector_HasNoSeries()
    {
        var result = PrometheusMapper.Parse(ContractFiles.Read(Vendor, "live.query.empty.json"));
        Assert.Equal(MetricResultType.Vector, result.Type);
        Assert.Empty(result.Series);
    }

    [Fact]
    public void NativeHistogram_IsReadIntoHistogramPoints()
    {
        var result = PrometheusMapper.Parse(ContractFiles.Read(Vendor, "query.native-histogram.response.json"));
        var series = Assert.Single(result.Series);
        Assert.Empty(series.Points);
        var histogram = Assert.Single(series.Histograms);
        Assert.Equal(12.5, histogram.Count);
        Assert.Equal(42.1, histogram.Sum);
        Assert.Equal(2, histogram.Buckets.Count);
        Assert.Equal(new HistogramBucket(0, 1, 1.414213562373095, 7.5), histogram.Buckets[1]);
    }

    [Theory]
    [InlineData("live.error.bad_data.parse.json", "bad_data", 400)]
    [InlineData("live.error.bad_data.missing-param.json", "bad_data", 400)]
    [InlineData("live.error.exec.step-too-small.json", "bad_data", 400)]
    [InlineData("live.error.execution.422.json", "execution", 422)]
    [InlineData("live.error.timeout.503.json", "timeout", 503)]
    [InlineData("error.internal.response.json", "internal", 500)]
    public void ErrorShapes_BecomeTypedExceptions(string name, string errorType, int status)
    {
        var ex = PrometheusMapper.ErrorFromBody((HttpStatusCode)status, ContractFiles.Read(Vendor, name), null);
        Assert.Equal(errorType, ex.ErrorType);
        Assert.Equal((HttpStatusCode)status, ex.StatusCode);
        Assert.Contains(errorType, ex.Message);
    }

    [Theory]
    [InlineData("+Inf", double.PositiveInfinity)]
    [InlineData("-Inf", double.NegativeInfinity)]
    [InlineData("1e-05", 0.00001)]
    [InlineData("0.5", 0.5)]
    public void SpecialSampleValues_Parse(string text, double expected)
    {
        var body = $$$"""{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1796302043.5,"{{{text}}}"]}]}}""";
        Assert.Equal(expected, PrometheusMapper.Parse(body).Series.Single().Points.Single().Value);
    }

    [Fact]
    public void FormatValue_WritesWhatPrometheusWrites()
    {
        Assert.Equal("NaN", PrometheusFormat.Value(double.NaN));
        Assert.Equal("+Inf", PrometheusFormat.Value(double.PositiveInfinity));
        Assert.Equal("0.00001", PrometheusFormat.Value(0.00001));
        Assert.Equal("0.09664166666666667", PrometheusFormat.Value(0.09664166666666667));
        Assert.Equal("1796302035", PrometheusFormat.Timestamp(1796302035m));
        Assert.Equal("1796302043.777", PrometheusFormat.Timestamp(1796302043.777m));
    }

    [Theory]
    [InlineData("""{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,2]}]}}""")]
    [InlineData("""{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"abc"]}]}}""")]
    [InlineData("""{"status":"success","data":{"resultType":"tensor","result":[]}}""")]
    [InlineData("""{"status":"success"}""")]
    [InlineData("""<html>bad gateway</html>""")]
    public void UnreadableSuccessBodies_AreBadResponse(string body)
    {
        var ex = Assert.Throws<PrometheusQueryException>(() => PrometheusMapper.Parse(body));
        Assert.Equal(PrometheusQueryException.BadResponse, ex.ErrorType);
    }

    [Fact]
    public void NonPrometheusErrorBody_IsHttpError()
    {
        var ex = PrometheusMapper.ErrorFromBody(HttpStatusCode.BadGateway, "<html>502 Bad Gateway</html>", null);
        Assert.Equal(PrometheusQueryException.HttpError, ex.ErrorType);
        Assert.Contains("502", ex.Error);
    }
}
