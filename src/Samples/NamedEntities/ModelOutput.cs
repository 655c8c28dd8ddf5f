using Microsoft.ML.Data;

namespace NamedEntities;

/// <summary>What the model writes for one sentence: a tag per word, and the names it found.</summary>
public sealed class ModelOutput
{
    /// <summary>One tag per word (B-NAME, I-NAME or O).</summary>
    [ColumnName("PredictedLabel")]
    public string[] PredictedLabel { get; set; } = [];

    /// <summary>Per word, the probability of its predicted tag.</summary>
    [ColumnName("Score")]
    public float[] Score { get; set; } = [];

    /// <summary>Per entity, its text (a span of the sentence).</summary>
    [ColumnName("Entities")]
    public string[] Entities { get; set; } = [];

    /// <summary>Per entity, its type (NAME).</summary>
    [ColumnName("EntityTypes")]
    public string[] EntityTypes { get; set; } = [];

    /// <summary>Per entity, its first character in the sentence.</summary>
    [ColumnName("EntityStarts")]
    public int[] EntityStarts { get; set; } = [];

    /// <summary>Per entity, its length in characters.</summary>
    [ColumnName("EntityLengths")]
    public int[] EntityLengths { get; set; } = [];

    /// <summary>Per entity, the mean probability of its words' tags.</summary>
    [ColumnName("EntityScores")]
    public float[] EntityScores { get; set; } = [];
}
