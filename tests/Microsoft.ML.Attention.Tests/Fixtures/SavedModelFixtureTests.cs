using System.Globalization;

namespace Microsoft.ML.Attention.Tests.Fixtures;

/// <summary>
/// Models saved by earlier builds keep loading and predict what they predicted when saved: embeddings and scores within 1e-6,
/// labels and generated text exactly. The fixtures are written by <see cref="Write_fixture"/> (run it only on purpose, after a
/// format change that old readers must keep, with <c>MLATTENTION_WRITE_FIXTURES=1</c>) and committed.
/// </summary>
public class SavedModelFixtureTests
{
    private const double Tolerance = 1e-6;

    public static TheoryData<string> Names() => [.. SavedModelFixture.All.Select(f => f.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public void Saved_model_loads_in_a_fresh_process_and_predicts_what_it_predicted_when_saved(string name)
    {
        var fixture = SavedModelFixture.All.Single(f => f.Name == name);
        var expected = ReadExpected(fixture);

        var actual = fixture.Probe();

        Assert.Equal(expected.Count, actual.Count);
        for (int row = 0; row < expected.Count; row++)
        {
            foreach (string column in fixture.Columns)
                AssertSameValue(expected[row][column], actual[row][column], $"{name}, row {row}, column {column}");
        }
    }

    [WriteFixturesFact]
    public void Write_fixture()
    {
        Directory.CreateDirectory(SavedModelFixture.Folder);
        foreach (var fixture in SavedModelFixture.All)
        {
            var ml = new MLContext(seed: 1);
            var model = fixture.Train(ml);
            var schema = fixture.SecondColumn is null
                ? Estimators.TinyModels.Texts(ml, [""]).Schema
                : ml.Data.LoadFromEnumerable(new[] { new Estimators.TextClassificationData.PairRow() }).Schema;
            ml.Model.Save(model, schema, fixture.ModelPath);
            (model as IDisposable)?.Dispose();
            var lines = fixture.Probe().SelectMany(row => fixture.Columns.Select(c => $"{c}\t{row[c]}"));
            File.WriteAllLines(fixture.ExpectedPath, lines);
        }
    }

    private static List<Dictionary<string, string>> ReadExpected(SavedModelFixture fixture)
    {
        var lines = File.ReadAllLines(fixture.ExpectedPath);
        var rows = new List<Dictionary<string, string>>();
        for (int i = 0; i < lines.Length; i += fixture.Columns.Length)
        {
            rows.Add(lines.Skip(i).Take(fixture.Columns.Length)
                .Select(line => line.Split('\t', 2))
                .ToDictionary(parts => parts[0], parts => parts[1]));
        }
        return rows;
    }

    private static void AssertSameValue(string expected, string actual, string where)
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
            double difference = Math.Abs(expectedNumbers[i] - actualNumbers[i]);
            Assert.True(difference <= Tolerance, $"{where}, value {i}: expected {expectedNumbers[i]:R}, got {actualNumbers[i]:R}.");
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
}
