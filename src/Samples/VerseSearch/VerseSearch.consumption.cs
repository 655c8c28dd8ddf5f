using Microsoft.Extensions.AI;
using Microsoft.ML;
using Microsoft.ML.Attention;

namespace VerseSearch;

/// <summary>Consumption: embeddings from the saved model, one text at a time (Model Builder's shape) or in batches, and the search itself.</summary>
public static partial class VerseSearchModel
{
    /// <summary>The saved model. Default: VerseSearch.zip in the working directory; Program sets it to where it saved.</summary>
    public static string ModelPath { get; set; } = Path.GetFullPath("VerseSearch.zip");

    private static readonly Lazy<PredictionEngine<ModelInput, ModelOutput>> PredictEngine = new(CreatePredictEngine, isThreadSafe: true);

    /// <summary>The embedding of one English (or Spanish) text, put in <see cref="ModelInput.English"/>.</summary>
    public static ModelOutput Predict(ModelInput input) => PredictEngine.Value.Predict(input);

    /// <summary>
    /// The saved encoder as a Microsoft.Extensions.AI <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>, for many texts per forward
    /// pass (the verses to search). The generator owns (and disposes) the loaded model.
    /// </summary>
    public static IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator() =>
        ((TransformerTextTransformer)new MLContext().Model.Load(ModelPath, out _)).AsEmbeddingGenerator(ownsTransformer: true);

    /// <summary>The <paramref name="count"/> verses whose Spanish text is closest to the query's embedding (cosine, ties in verse order).</summary>
    public static IEnumerable<(Verse Verse, float Similarity)> Search(float[] query, IReadOnlyList<Verse> verses, IReadOnlyList<Embedding<float>> vectors, int count) =>
        CandidateRanker.Rank(query, [.. vectors.Select(v => v.Vector)], count).Select(hit => (verses[hit.Index], hit.Score));

    private static PredictionEngine<ModelInput, ModelOutput> CreatePredictEngine()
    {
        var mlContext = new MLContext();
        ITransformer model = mlContext.Model.Load(ModelPath, out _);
        return mlContext.Model.CreatePredictionEngine<ModelInput, ModelOutput>(model);
    }
}
