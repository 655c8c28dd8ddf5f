using System.Globalization;

namespace Microsoft.ML.Attention.Tests;

/// <summary>Compares output columns read as text, with a tolerance for the numbers.</summary>
internal static class OutputAssert
{
    /// <summary>
    /// Asserts that two output values (as <c>ColumnText</c> writes them) agree: numbers (a score, a key, a vector) within
    /// <paramref name="tolerance"/>, text and Booleans exactly.
    /// </summary>
    public static void Same(string expected, string actual, double tolerance, string where)
    {
        var expectedNumbers = Numbers(expected);
        var actualNumbers = Numbers(actual);
        if (expectedNumbers is null || actualNumbers is null)
        {
            Assert.True(expected == actual, $"{where}: expected '{expected}', got '{actual}'.");
            return;
        }
        Assert.True(expectedNumbers.Length == actualNumbers.Length, $"{where}: {expectedNumbers.Length} values expected, got {actualNumbers.Length}.");
        for (int i = 0; i < expectedNumbers.Length; i++)
        {
            if (float.IsNaN(expectedNumbers[i]) && float.IsNaN(actualNumbers[i]))
                continue;                                    // NaN is an expected value (e.g. the score of an empty row)
            double difference = Math.Abs(expectedNumbers[i] - actualNumbers[i]);
            Assert.True(difference <= tolerance, $"{where}, value {i}: expected {expectedNumbers[i]:R}, got {actualNumbers[i]:R}.");
        }
    }

    // Numbers (a score, a key, or a vector as space-separated values); null for text and Booleans, which are compared exactly.
    private static float[]? Numbers(string value)
    {
        if (value.Length == 0)
            return null;
        var parts = value.Split(' ');
        var numbers = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]))
                return null;
        }
        return numbers;
    }

    /// <summary>Row by row and column by column, <see cref="Same"/>.</summary>
    public static void SameRows(IReadOnlyList<string[]> expected, IReadOnlyList<string[]> actual, double tolerance)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int row = 0; row < expected.Count; row++)
        {
            for (int column = 0; column < expected[row].Length; column++)
                Same(expected[row][column], actual[row][column], tolerance, $"row {row}, column {column}");
        }
    }
}
