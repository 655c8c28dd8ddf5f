using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Attention.Tests.Estimators;
using Microsoft.ML.Attention.Tests.Export;
using Microsoft.ML.Attention.Tests.Fixtures;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Tests.Contract;

/// <summary>
/// What every registered task promises, checked for each entry of <see cref="TaskRegistry"/> (a new task gets these tests by being
/// registered): the estimator's schema equals the transformer's, a fresh process loads the saved model and gives the same
/// outputs, row-by-row scoring equals batch scoring, and a missing input column fails with its name.
/// </summary>
public class TaskContractTests
{
    public static TheoryData<TransformerTask> Tasks() => [.. TaskRegistry.All.Select(d => d.Task)];

    [Theory]
    [MemberData(nameof(Tasks))]
    public void GetOutputSchema_of_the_estimator_matches_the_schema_that_Transform_produces(TransformerTask task)
    {
        var ml = new MLContext(seed: 1);
        var (options, data) = ContractSamples.For(ml, task);
        var estimator = ml.Transforms.AttentionEncoder(options);
        var promised = estimator.GetOutputSchema(SchemaShapes.Of(data.Schema));
        using var model = estimator.Fit(data);

        var produced = SchemaShapes.Of(model.Transform(data).Schema);

        Assert.Equal(promised.Select(c => c.Name).Order(), produced.Select(c => c.Name).Order());
        foreach (var column in promised)
        {
            var actual = produced.Single(c => c.Name == column.Name);
            Assert.True(column.Kind == actual.Kind, $"{column.Name}: kind {column.Kind} promised, {actual.Kind} produced.");
            Assert.True(column.ItemType.Equals(actual.ItemType), $"{column.Name}: item type {column.ItemType} promised, {actual.ItemType} produced.");
            Assert.True(column.IsKey == actual.IsKey, $"{column.Name}: key {column.IsKey} promised, {actual.IsKey} produced.");
            Assert.Equal(column.Annotations.Select(a => a.Name).Order(), actual.Annotations.Select(a => a.Name).Order());
        }
    }

    [Theory]
    [MemberData(nameof(Tasks))]
    public void Save_then_load_in_a_fresh_process_gives_identical_outputs(TransformerTask task)
    {
        var ml = new MLContext(seed: 1);
        var (options, data) = ContractSamples.For(ml, task);
        using var model = ml.Transforms.AttentionEncoder(options).Fit(data);
        var expected = OutputRows.Read(model.Transform(data), model.OutputColumnNames);
        string path = Path.Combine(Directory.CreateTempSubdirectory("mlattention-contract").FullName, task + ".zip");
        ml.Model.Save(model, data.Schema, path);

        var texts = data.GetColumn<string>("Text").ToList();
        var loaded = model.InputColumnNames.Count == 1
            ? ModelProbeProcess.Run(path, texts, [.. model.OutputColumnNames])
            : ModelProbeProcess.RunPairs(path, model.InputColumnNames[1], texts.Zip(data.GetColumn<string>(model.InputColumnNames[1])).ToList(),
                [.. model.OutputColumnNames]);

        Assert.Equal(expected, loaded.Select(row => model.OutputColumnNames.Select(c => row[c]).ToArray()).ToList());
        File.Delete(path);
    }

    [Theory]
    [MemberData(nameof(Tasks))]
    public void The_row_mapper_that_PredictionEngine_uses_equals_Transform(TransformerTask task)
    {
        var ml = new MLContext(seed: 1);
        var (options, data) = ContractSamples.For(ml, task);
        using var model = ml.Transforms.AttentionEncoder(options).Fit(data);
        var expected = OutputRows.Read(model.Transform(data), model.OutputColumnNames);

        var actual = OutputRows.RowByRow(model, data);

        // One row alone is padded differently from a batch: equal up to float rounding.
        OutputAssert.SameRows(expected, actual, tolerance: 1e-5);
    }

    [Theory]
    [MemberData(nameof(Tasks))]
    public void A_missing_input_column_fails_with_its_name(TransformerTask task)
    {
        var ml = new MLContext(seed: 1);
        var (options, data) = ContractSamples.For(ml, task);
        ContractSamples.SetFirstInputColumn(options, "Missing");
        var estimator = ml.Transforms.AttentionEncoder(options);

        Assert.Contains("Missing", Assert.ThrowsAny<Exception>(() => estimator.GetOutputSchema(SchemaShapes.Of(data.Schema))).Message);
        Assert.Contains("Missing", Assert.ThrowsAny<Exception>(() => estimator.Fit(data)).Message);

        ContractSamples.SetFirstInputColumn(options, "Text");
        using var model = ml.Transforms.AttentionEncoder(options).Fit(data);
        var renamed = ml.Transforms.CopyColumns("Other", "Text").Fit(data).Transform(data);
        var withoutText = ml.Transforms.DropColumns("Text").Fit(renamed).Transform(renamed);
        Assert.Contains("'Text'", Assert.ThrowsAny<Exception>(() => model.Transform(withoutText)).Message);
    }

    [Theory]
    [MemberData(nameof(Tasks))]
    public void ExportToOnnx_matches_the_library_within_1e_4_or_refuses_naming_the_task(TransformerTask task)
    {
        var ml = new MLContext(seed: 1);
        var (options, data) = ContractSamples.For(ml, task);
        using var model = ml.Transforms.AttentionEncoder(options).Fit(data);
        string path = ExportedModel.TempPath("contract-" + task);
        try
        {
            model.ExportToOnnx(path);
        }
        catch (NotSupportedException e)
        {
            Assert.Contains(task.ToString(), e.Message, StringComparison.Ordinal);
            Assert.False(File.Exists(path));
            return;
        }
        using var exported = new ExportedModel(path);
        double worst = ContractSamples.OnnxDifference(model, data, exported);
        Assert.True(worst <= 1e-4, $"{task}: max |library - ONNX Runtime| = {worst:E2}");
    }

    [Fact]
    public void Every_registered_task_has_a_committed_saved_model_fixture()
    {
        var ml = new MLContext(seed: 1);
        var covered = new HashSet<TransformerTask>();
        foreach (var fixture in SavedModelFixture.All)
        {
            using var loaded = (TransformerTextTransformer)ml.Model.Load(fixture.ModelPath, out _);
            covered.Add(loaded.Task);
        }
        var missing = TaskRegistry.All.Select(d => d.Task).Where(t => !covered.Contains(t)).ToList();
        Assert.True(missing.Count == 0, $"No committed saved-model fixture for: {string.Join(", ", missing)} (add one to {nameof(SavedModelFixture)}.{nameof(SavedModelFixture.All)}).");
    }
}
