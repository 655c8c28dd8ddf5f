using Microsoft.Extensions.AI;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Attention.Tokenization;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Benchmarks;

/// <summary>
/// A <see cref="SentenceEncoder"/> fine-tuned in this process as an embedding generator (until the sentence-embedding task is wired
/// into the estimator, whose transformer then serves through <c>AsEmbeddingGenerator</c>).
/// </summary>
internal sealed class EncoderEmbeddingGenerator(SentenceEncoder model, TextTokenizer tokenizer, int batchSize) : IEmbeddingGenerator<string, Embedding<float>>
{
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var texts = values.ToList();
        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Count);
        model.eval();
        using var noGrad = no_grad();
        foreach (var batch in texts.Chunk(batchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var vectors = SentenceEmbeddingForward.Embed(model, tokenizer, batch, CPU); // [B, D]
            int dimension = (int)vectors.shape[1];
            float[] values32 = vectors.data<float>().ToArray();
            for (int row = 0; row < batch.Length; row++)
                result.Add(new Embedding<float>(values32.AsSpan(row * dimension, dimension).ToArray()));
        }
        return Task.FromResult(result);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
