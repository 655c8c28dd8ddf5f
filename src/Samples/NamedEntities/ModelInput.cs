using Microsoft.ML.Data;

namespace NamedEntities;

/// <summary>One sentence: what the model reads (and, for training, one IOB2 tag per word).</summary>
public sealed class ModelInput
{
    /// <summary>The sentence; its words are split on white space (ML.NET's NamedEntityRecognition convention).</summary>
    [ColumnName("Sentence")]
    public string Sentence { get; set; } = "";

    /// <summary>One tag per word: B-NAME (a name's first word), I-NAME (its next words) or O. Read by training and evaluation only.</summary>
    [ColumnName("Label")]
    public string[] Label { get; set; } = [];
}
