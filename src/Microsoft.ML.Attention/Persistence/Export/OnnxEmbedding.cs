using Microsoft.ML.Attention.Modeling;

namespace Microsoft.ML.Attention.Persistence.Export;

/// <summary>How an exported embedding model turns token states into one sentence embedding, as the embedding scorer does.</summary>
/// <param name="Pooling">Mean over the real tokens, or the first token.</param>
/// <param name="Normalize">Whether the pooled vector is scaled to unit L2 length.</param>
internal sealed record OnnxEmbedding(PoolingKind Pooling, bool Normalize);
