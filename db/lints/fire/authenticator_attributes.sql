-- authenticator inherits its members' rights.
-- expect: authenticator
alter role authenticator inherit;
