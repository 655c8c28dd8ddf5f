using Microsoft.ML.Data;

namespace VerseSearch;

/// <summary>The sentence embedding of one text, English or Spanish: 384 floats of unit length, so a dot product is a cosine.</summary>
public sealed class ModelOutput
{
    [ColumnName("Embedding")]
    public float[] Embedding { get; set; } = [];
}
