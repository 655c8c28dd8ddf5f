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
                OutputAssert.Same(expected[row][column], actual[row][column], Tolerance, $"{name}, row {row}, column {column}");
        }
    }

    [WriteFixturesFact]
    public void Write_fixture()
    {
        Directory.CreateDirectory(SavedModelFixture.Folder);
        // MLATTENTION_WRITE_FIXTURES_ONLY=name,name rewrites just those (new fixtures) and keeps the older ones as they were saved.
        var only = Environment.GetEnvironmentVariable("MLATTENTION_WRITE_FIXTURES_ONLY")?.Split(',', StringSplitOptions.RemoveEmptyEntries);
        foreach (var fixture in SavedModelFixture.All.Where(f => only is null || only.Contains(f.Name)))
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
}
