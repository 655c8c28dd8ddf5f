namespace Microsoft.ML.Attention;

/// <summary>
/// Stops scoring in flight: <c>Transform</c>'s cursors, <see cref="PredictionEngine{TSrc, TDst}"/> calls and text generation started
/// inside a <see cref="WithCancellation(CancellationToken)"/> scope throw <see cref="OperationCanceledException"/> (carrying the token) soon after the
/// token is cancelled: between batches, between question-answering windows and between generated tokens. The transformer stays
/// usable, and the next call gives the same results as if the cancelled one had never run.
/// </summary>
/// <remarks>
/// The scope is ambient (an <see cref="AsyncLocal{T}"/>): it flows into <c>await</c>ed code and tasks started inside it, not into
/// threads started elsewhere. Nested scopes link their tokens: an inner scope is cancelled when its own token or any outer one is.
/// A web server wraps each request's <c>PredictionEngine</c> call in
/// <c>using (TransformerScoring.WithCancellation(token))</c>, with <c>HttpContext.RequestAborted</c> linked with its own deadline
/// (the WebApi sample; docs/reliability.md, "Cancelling scoring").
/// </remarks>
public static class TransformerScoring
{
    private const string Message = "Scoring was cancelled (TransformerScoring.WithCancellation).";

    private static readonly AsyncLocal<Scope?> Ambient = new();

    /// <summary>
    /// Scoring started before the returned object is disposed, on this flow of execution, stops when <paramref name="token"/>
    /// (or the token of an enclosing scope) is cancelled. Dispose it on the flow that created it (a <c>using</c> statement).
    /// </summary>
    /// <param name="token">The token; <see cref="CancellationToken.None"/> adds nothing to an enclosing scope.</param>
    /// <returns>The scope; disposing it restores the enclosing one.</returns>
    public static IDisposable WithCancellation(CancellationToken token) => WithCancellation(token, onCheck: null);

    /// <summary>As <see cref="WithCancellation(CancellationToken)"/>; <paramref name="onCheck"/> runs at every check inside the scope, before the token is read (tests count work and cancel at an exact point with it).</summary>
    internal static IDisposable WithCancellation(CancellationToken token, Action? onCheck)
    {
        var scope = new Scope(Ambient.Value, token, onCheck);
        Ambient.Value = scope;
        return scope;
    }

    /// <summary>The ambient token: cancelled when the innermost scope's token or an enclosing one is; none outside a scope.</summary>
    internal static CancellationToken Current => Ambient.Value?.Token ?? CancellationToken.None;

    /// <summary>
    /// Throws <see cref="OperationCanceledException"/>, carrying the caller's token that was cancelled, when <see cref="Current"/> is
    /// cancelled. Library code calls it between units of scoring work (a batch, a question-answering window, a generated token).
    /// </summary>
    internal static void ThrowIfCancellationRequested()
    {
        var scope = Ambient.Value;
        if (scope is null)
        {
            return;
        }

        scope.Checked();
        if (scope.Token.IsCancellationRequested)
        {
            throw new OperationCanceledException(Message, scope.Fired());
        }
    }

    /// <summary>As <see cref="ThrowIfCancellationRequested()"/>, for a token captured earlier (a cursor captures <see cref="Current"/> when it is created).</summary>
    internal static void ThrowIfCancellationRequested(CancellationToken token)
    {
        if (token.IsCancellationRequested)
        {
            throw new OperationCanceledException(Message, token);
        }
    }

    /// <summary>One level of scopes: its token linked with the enclosing scope's.</summary>
    private sealed class Scope : IDisposable
    {
        private readonly Scope? _outer;
        private readonly CancellationToken _own;
        private readonly Action? _onCheck;
        private readonly CancellationTokenSource? _linked;
        private bool _disposed;

        public Scope(Scope? outer, CancellationToken token, Action? onCheck)
        {
            _outer = outer;
            _own = token;
            _onCheck = onCheck;
            var outerToken = outer?.Token ?? CancellationToken.None;
            if (!outerToken.CanBeCanceled)
            {
                Token = token;
            }
            else if (!token.CanBeCanceled)
            {
                Token = outerToken;
            }
            else
            {
                _linked = CancellationTokenSource.CreateLinkedTokenSource(outerToken, token);
                Token = _linked.Token;
            }
        }

        /// <summary>This scope's token and the enclosing ones', linked.</summary>
        public CancellationToken Token { get; }

        /// <summary>Runs the check hooks of this scope and the enclosing ones.</summary>
        public void Checked()
        {
            _onCheck?.Invoke();
            _outer?.Checked();
        }

        /// <summary>The caller's token that was cancelled (this scope's own first), so that the exception carries it rather than a linked one.</summary>
        public CancellationToken Fired() =>
            _own.IsCancellationRequested || _outer is null ? _own : _outer.Fired();

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (ReferenceEquals(Ambient.Value, this))
            {
                Ambient.Value = _outer;
            }

            _linked?.Dispose();
        }
    }
}
