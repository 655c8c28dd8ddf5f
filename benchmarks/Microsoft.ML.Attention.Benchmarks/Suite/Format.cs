using System.Globalization;

namespace Microsoft.ML.Attention.Benchmarks.Suite;

/// <summary>Number formatting for the suite's tables (invariant culture, thousands separators).</summary>
internal static class Format
{
    public static string N(double value, int decimals = 0) => value.ToString("N" + decimals, CultureInfo.InvariantCulture);

    public static string Ratio(double value) => value.ToString("F2", CultureInfo.InvariantCulture) + "×";

    public static string Percent(double fraction) => (fraction * 100).ToString("F1", CultureInfo.InvariantCulture) + " %";

    public static string Ms(double seconds) => (seconds * 1000).ToString("F2", CultureInfo.InvariantCulture) + " ms";
}
