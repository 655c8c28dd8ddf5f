using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.ML.Attention.Generation;

namespace Microsoft.ML.Attention;

/// <summary>
/// The text generation of a <see cref="TransformerTextTransformer"/> (a trained causal-LM model, or an imported llama2.c checkpoint) as
/// an <see cref="IChatClient"/> of Microsoft.Extensions.AI, so that it plugs into .NET's AI abstractions (middleware, logging, UIs).
/// Create it with <see cref="AttentionCatalog.AsChatClient"/>.
/// </summary>
/// <remarks>
/// These models continue text; they have no chat template. The prompt is <see cref="ChatOptions.Instructions"/> and the text of every
/// message, in order, joined by new lines; the reply is its continuation (one assistant message). Per call,
/// <see cref="ChatOptions.MaxOutputTokens"/>, <see cref="ChatOptions.Temperature"/>, <see cref="ChatOptions.TopP"/>,
/// <see cref="ChatOptions.TopK"/>, <see cref="ChatOptions.Seed"/> and <see cref="ChatOptions.StopSequences"/> replace the model's saved
/// <see cref="TransformerTextTransformer.Generation"/> settings; tools, response formats and penalties are not supported and ignored.
/// Calls from several threads are served one after another.
/// </remarks>
public sealed class TransformerChatClient : IChatClient
{
    private readonly TransformerTextTransformer _transformer;
    private readonly bool _ownsTransformer;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ChatClientMetadata _metadata;

    internal TransformerChatClient(TransformerTextTransformer transformer, bool ownsTransformer)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        if (transformer.Generation is null)
        {
            throw new ArgumentException(
                $"A chat client needs a transformer that generates text (task CausalLanguageModeling or ImportLlama2c); this one's task is {transformer.Task}.",
                nameof(transformer));
        }
        _transformer = transformer;
        _ownsTransformer = ownsTransformer;
        _metadata = new ChatClientMetadata("Microsoft.ML.Attention");
    }

    /// <summary>Generates the whole reply: the concatenation of <see cref="GetStreamingResponseAsync"/>'s updates, as one assistant message.</summary>
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var text = new System.Text.StringBuilder();
        await foreach (var update in GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
            text.Append(update.Text);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text.ToString()));
    }

    /// <summary>Streams the reply: one update per generated piece of text (a multi-byte character is never split).</summary>
    /// <exception cref="ArgumentException">An option is out of range (e.g. a negative temperature), named, when called.</exception>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        string prompt = Prompt(messages, options);
        var generation = Settings(options);
        generation.Validate();
        return Stream(prompt, generation, cancellationToken);
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
            return null;
        if (serviceType == typeof(ChatClientMetadata))
            return _metadata;
        return serviceType.IsInstanceOfType(_transformer) ? _transformer : serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Disposes the transformer when this client was created to own it.</summary>
    public void Dispose()
    {
        _gate.Dispose();
        if (_ownsTransformer)
            _transformer.Dispose();
    }

    private async IAsyncEnumerable<ChatResponseUpdate> Stream(string prompt, GenerationOptions generation,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string responseId = Guid.NewGuid().ToString("N");
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (string piece in _transformer.GenerateStream(prompt, generation, cancellationToken))
                yield return new ChatResponseUpdate(ChatRole.Assistant, piece) { ResponseId = responseId, CreatedAt = DateTimeOffset.UtcNow };
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The instructions and the messages' texts, in order, one per line.</summary>
    private static string Prompt(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var parts = new List<string>();
        if (!string.IsNullOrEmpty(options?.Instructions))
            parts.Add(options.Instructions);
        parts.AddRange(messages.Select(m => m.Text).Where(t => t.Length > 0));
        return string.Join("\n", parts);
    }

    /// <summary>The saved generation settings with the options' replacements.</summary>
    private GenerationOptions Settings(ChatOptions? options)
    {
        var settings = _transformer.Generation!;
        if (options is null)
            return settings;
        settings.MaxNewTokens = options.MaxOutputTokens ?? settings.MaxNewTokens;
        settings.Temperature = options.Temperature ?? settings.Temperature;
        settings.TopP = options.TopP ?? settings.TopP;
        settings.TopK = options.TopK ?? settings.TopK;
        settings.Seed = options.Seed is { } seed ? checked((int)seed) : settings.Seed;
        if (options.StopSequences is { Count: > 0 } stops)
            settings.StopSequences = [.. stops];
        return settings;
    }
}
