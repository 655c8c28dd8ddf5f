using Microsoft.Extensions.AI;
using Microsoft.ML;
using Microsoft.ML.Attention;

namespace SemanticSearch;

/// <summary>Consumption: embeddings from the saved model, one text at a time (Model Builder's shape) or in batches for .NET's AI abstractions.</summary>
public static partial class SemanticSearchModel
{
    /// <summary>The saved model. Default: SemanticSearch.zip in the working directory; Program sets it to where it saved.</summary>
    public static string ModelPath { get; set; } = Path.GetFullPath("SemanticSearch.zip");

    private static readonly Lazy<PredictionEngine<ModelInput, ModelOutput>> PredictEngine = new(CreatePredictEngine, isThreadSafe: true);

    /// <summary>The embedding of one text.</summary>
    public static ModelOutput Predict(ModelInput input) => PredictEngine.Value.Predict(input);

    /// <summary>
    /// The saved encoder as a Microsoft.Extensions.AI <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>: it embeds many texts per
    /// forward pass, and plugs into .NET's vector stores and RAG code. The generator owns (and disposes) the loaded model.
    /// </summary>
    public static IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddingGenerator() =>
        ((TransformerTextTransformer)new MLContext().Model.Load(ModelPath, out _)).AsEmbeddingGenerator(ownsTransformer: true);

    /// <summary>The <paramref name="count"/> documents most similar to the query (cosine similarity of unit vectors = dot product).</summary>
    public static IEnumerable<(string Document, float Similarity)> Search(float[] query, IReadOnlyList<string> documents,
        IReadOnlyList<Embedding<float>> vectors, int count) =>
        documents.Select((document, i) => (document, Dot(query, vectors[i].Vector.Span)))
            .OrderByDescending(hit => hit.Item2)
            .Take(count);

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);

    private static PredictionEngine<ModelInput, ModelOutput> CreatePredictEngine()
    {
        var mlContext = new MLContext();
        ITransformer model = mlContext.Model.Load(ModelPath, out _);
        return mlContext.Model.CreatePredictionEngine<ModelInput, ModelOutput>(model);
    }
}
