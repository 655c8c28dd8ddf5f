namespace Microsoft.ML.Attention.Modeling;

/// <summary>
/// A task network: a <see cref="TransformerBackbone"/> (registered as <c>backbone</c>, Hugging Face's base model) and a thin task
/// head. Code that works on any task (copying pretrained weights, embeddings, freezing the encoder) reaches the backbone through
/// this interface, never through the head's type.
/// </summary>
public interface ITaskNetwork
{
    /// <summary>The shared body, registered as <c>backbone</c> (state-dict keys <c>backbone.*</c>).</summary>
    TransformerBackbone Backbone { get; }
}
