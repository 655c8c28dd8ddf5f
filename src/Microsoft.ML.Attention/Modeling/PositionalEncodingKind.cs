namespace Microsoft.ML.Attention.Modeling;

/// <summary>How a <see cref="TransformerBackbone"/> tells the model where each token sits in the sequence.</summary>
public enum PositionalEncodingKind
{
    /// <summary>Fixed sine/cosine table added to the token embeddings ("Attention is all you need"); no parameters.</summary>
    Sinusoidal,

    /// <summary>A trained position-embedding table [MaxSequenceLength, D] added to the token embeddings (GPT-2, BERT).</summary>
    Learned,

    /// <summary>Rotary position embedding applied to queries and keys inside attention (RoFormer, Llama); no parameters.</summary>
    Rotary,
}
