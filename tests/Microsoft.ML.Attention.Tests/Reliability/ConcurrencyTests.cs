using Microsoft.ML.Attention.Tests.Estimators;
using Microsoft.ML.Attention.Tests.Fixtures;
using TorchSharp;

namespace Microsoft.ML.Attention.Tests.Reliability;

/// <summary>
/// One loaded model served by 16 threads at once (bounded: a few passes over the fixture rows each): every thread's results equal
/// the single-threaded ones, for every task.
/// </summary>
public class ConcurrencyTests
{
    private const int Threads = 16;

    [Theory]
    [MemberData(nameof(SavedModelFixtureTests.Names), MemberType = typeof(SavedModelFixtureTests))]
    public void Concurrent_Transform_calls_on_one_model_match_single_threaded_results(string name)
    {
        var fixture = SavedModelFixture.All.Single(f => f.Name == name);
        var model = new MLContext(seed: 1).Model.Load(fixture.ModelPath, out _);
        var expected = ModelZip.Outputs(model, fixture);

        var results = RunConcurrently(() => ModelZip.Outputs(model, fixture));

        Assert.All(results, actual => Assert.Equal(expected, actual));
        (model as IDisposable)?.Dispose();
    }

    [Fact]
    public void Sixteen_threads_with_their_own_PredictionEngine_match_single_threaded_results()
    {
        var fixture = SavedModelFixture.All.Single(f => f.Name == "masked-lm-embeddings");
        var ml = new MLContext(seed: 1);
        var model = ml.Model.Load(fixture.ModelPath, out _);
        var texts = TinyModels.WikiTextLines("valid", 24);
        var single = ml.Model.CreatePredictionEngine<TinyModels.TextRow, EmbeddingRow>(model);
        var expected = texts.Select(t => single.Predict(new TinyModels.TextRow { Text = t }).Embedding).ToList();

        var results = RunConcurrently(() =>
        {
            var engine = ml.Model.CreatePredictionEngine<TinyModels.TextRow, EmbeddingRow>(model);
            return texts.Select(t => engine.Predict(new TinyModels.TextRow { Text = t }).Embedding).ToList();
        });

        Assert.All(results, actual => Assert.Equal(expected, actual));
        (model as IDisposable)?.Dispose();
    }

    [Fact]
    public void Concurrent_Generate_calls_with_a_seed_match_single_threaded_results()
    {
        var fixture = SavedModelFixture.All.Single(f => f.Name == "causal-lm-generation");
        var model = (TransformerTextTransformer)new MLContext(seed: 1).Model.Load(fixture.ModelPath, out _);
        string[] prompts = [.. fixture.Rows.Select(r => r.First)];
        var expected = prompts.Select(model.Generate).ToList();

        var results = RunConcurrently(() => prompts.Select(model.Generate).ToList());

        Assert.All(results, actual => Assert.Equal(expected, actual));
        model.Dispose();
    }

    [Fact]
    public void Use_after_Dispose_throws_ObjectDisposedException_and_Dispose_frees_the_tensors()
    {
        var fixture = SavedModelFixture.All.Single(f => f.Name == "causal-lm-generation");
        var ml = new MLContext(seed: 1);
        var data = TinyModels.Texts(ml, ["First Citizen:"]);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var model = (TransformerTextTransformer)ml.Model.Load(fixture.ModelPath, out var schema);
        Assert.True(DisposeScopeManager.Statistics.ThreadTotalLiveCount > before);

        model.Dispose();
        model.Dispose();   // a second call does nothing

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.Throws<ObjectDisposedException>(() => model.Transform(data));
        Assert.Throws<ObjectDisposedException>(() => model.GetOutputSchema(data.Schema));
        Assert.Throws<ObjectDisposedException>(() => model.Generate("First"));
        Assert.Throws<ObjectDisposedException>(() => ml.Model.CreatePredictionEngine<TinyModels.TextRow, GeneratedRow>(model));
        Assert.Throws<ObjectDisposedException>(() => ml.Model.Save(model, schema, new MemoryStream()));
    }

    /// <summary>Runs <paramref name="work"/> on 16 threads that start together; their results in thread order.</summary>
    internal static List<T> RunConcurrently<T>(Func<T> work)
    {
        using var start = new Barrier(Threads);
        var tasks = Enumerable.Range(0, Threads).Select(_ => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            return work();
        }, TaskCreationOptions.LongRunning)).ToArray();
        Task.WaitAll(tasks);
        return [.. tasks.Select(t => t.Result)];
    }

    private sealed class EmbeddingRow
    {
        public float[] Embedding { get; set; } = [];
    }

    private sealed class GeneratedRow
    {
        public string GeneratedText { get; set; } = "";
    }
}
