using Microsoft.ML.Data;

namespace SemanticSearch;

/// <summary>The sentence embedding of one text: 384 floats of unit length (mean-pooled, L2-normalized), so a dot product is a cosine.</summary>
public sealed class ModelOutput
{
    [ColumnName("Embedding")]
    public float[] Embedding { get; set; } = [];
}
